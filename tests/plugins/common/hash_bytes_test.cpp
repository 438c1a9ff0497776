#include <sluice/plugins/common/hash_bytes.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

using sluice::plugins::common::hash_bytes;

TEST_CASE("hash_bytes depends on the bytes, not on where they are") {
  for (std::size_t n = 0; n <= 100; ++n) {
    std::string a(n, 'x');
    for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + (i * 7) % 26);
    std::string b(" " + a);  // the same bytes at another address and alignment
    CHECK(hash_bytes(a) == hash_bytes(std::string_view(b).substr(1)));
  }
}

TEST_CASE("hash_bytes changes with every byte and with the length") {
  // Each length from 0 to 100 (every path: short, one and two 16-byte steps, the two-chain
  // loop), each byte flipped in turn: all those strings hash differently.
  std::set<uint64_t> seen;
  std::size_t strings = 0;
  for (std::size_t n = 0; n <= 100; ++n) {
    const std::string base(n, 'u');
    seen.insert(hash_bytes(base));
    ++strings;
    for (std::size_t i = 0; i < n; ++i) {
      for (int bit : {0, 7}) {
        std::string s = base;
        s[i] = static_cast<char>(s[i] ^ (1 << bit));
        seen.insert(hash_bytes(s));
        ++strings;
      }
    }
  }
  CHECK(seen.size() == strings);
  // Zero bytes count: a prefix of zeros is not the empty string.
  CHECK(hash_bytes(std::string(3, '\0')) != hash_bytes(std::string(4, '\0')));
  CHECK(hash_bytes(std::string(17, '\0')) != hash_bytes(std::string(18, '\0')));
}

TEST_CASE("hash_bytes spreads similar strings over the low bits a table uses") {
  // User agents that differ only in a version number, 4096 of them, into 1024 buckets by the
  // low bits: a good hash puts about 4 in each, and none gets crowded.
  std::vector<int> buckets(1024);
  for (int i = 0; i < 4096; ++i) {
    const std::string ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" +
                           std::to_string(i) + ".0.0.0 Safari/537.36";
    ++buckets[hash_bytes(ua) & 1023];
  }
  CHECK(*std::max_element(buckets.begin(), buckets.end()) <= 16);
  CHECK(std::count(buckets.begin(), buckets.end(), 0) < 64);  // about 1024 * e^-4 = 19 expected
}
