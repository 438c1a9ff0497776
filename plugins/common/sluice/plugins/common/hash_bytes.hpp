// A fast 64-bit hash of byte strings for in-memory hash tables (memos, group tables); not
// cryptographic and not stable across versions, so never store its values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sluice::plugins::common {

namespace hash_detail {

inline constexpr uint64_t kSeed = 0x9E3779B97F4A7C15ull;
inline constexpr uint64_t kMix0 = 0xA0761D6478BD642Full;
inline constexpr uint64_t kMix1 = 0xE7037ED1A0B428DBull;
inline constexpr uint64_t kMix2 = 0x8EBC6AF09C88C6E3ull;

inline uint64_t load64(const char* p) noexcept {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

inline uint64_t load32(const char* p) noexcept {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// The full 128-bit product of a and b, its halves xor-ed: every input bit reaches the result.
inline uint64_t fold_multiply(uint64_t a, uint64_t b) noexcept {
#if defined(__SIZEOF_INT128__)
  __extension__ using u128 = unsigned __int128;
  const u128 r = static_cast<u128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
#else
  const uint64_t lo = a * b;
  const uint64_t hi = (a ^ (a >> 29)) * (b | 1);
  return lo ^ (hi >> 32) ^ (hi << 32);
#endif
}

}  // namespace hash_detail

// 16 bytes per multiply, and for strings longer than 32 bytes two independent chains, so that
// a 120-byte user agent costs a few multiplies that overlap rather than fifteen in a row.
inline uint64_t hash_bytes(const char* p, std::size_t n) noexcept {
  using namespace hash_detail;
  uint64_t seed = kSeed ^ fold_multiply(n ^ kMix0, kMix1);
  uint64_t a, b;
  if (n <= 16) {
    if (n >= 8) {
      a = load64(p);
      b = load64(p + n - 8);
    } else if (n >= 4) {
      a = load32(p);
      b = load32(p + n - 4);
    } else if (n > 0) {
      a = (static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
          (static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
          static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1]));
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    std::size_t left = n;
    if (left > 32) {
      uint64_t other = seed ^ kMix2;
      do {
        seed = fold_multiply(load64(p) ^ kMix0, load64(p + 8) ^ seed);
        other = fold_multiply(load64(p + 16) ^ kMix1, load64(p + 24) ^ other);
        p += 32;
        left -= 32;
      } while (left > 32);
      seed ^= other;
    }
    if (left > 16) {
      seed = fold_multiply(load64(p) ^ kMix0, load64(p + 8) ^ seed);
      p += 16;
      left -= 16;
    }
    // The last 16 bytes, overlapping what came before (n > 16, so they exist).
    a = load64(p + left - 16);
    b = load64(p + left - 8);
  }
  return fold_multiply(kMix1 ^ n, fold_multiply(a ^ kMix0, b ^ seed));
}

inline uint64_t hash_bytes(std::string_view s) noexcept { return hash_bytes(s.data(), s.size()); }

}  // namespace sluice::plugins::common
