#include <sluice/plugins/common/member_lookup.hpp>
#include <sluice/plugins/common/short_bytes.hpp>

#include <boost/json/object.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace json = boost::json;
using sluice::plugins::common::BytePattern;
using sluice::plugins::common::find_member;
using sluice::plugins::common::kScanLimit;

namespace {

// What find_member must return: Boost.JSON's own lookup.
const json::key_value_pair* expected(const json::object& o, const std::string& key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("BytePattern matches exactly the bytes it was made from, at every length") {
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) text += static_cast<char>('a' + i % 26);
    const BytePattern pattern(text);
    CHECK(pattern.matches(text.data(), text.size()));
    // One byte changed anywhere, in a copy that lives elsewhere in memory.
    for (std::size_t i = 0; i < n; ++i) {
      std::string other = text;
      other[i] = 'Z';
      CAPTURE(n, i);
      CHECK_FALSE(pattern.matches(other.data(), other.size()));
    }
    // A prefix or an extension of it.
    if (n > 0) CHECK_FALSE(pattern.matches(text.data(), n - 1));
    const std::string longer = text + "a";
    CHECK_FALSE(pattern.matches(longer.data(), longer.size()));
  }
}

TEST_CASE("find_member tries the hint and its neighbours, then searches") {
  json::object o{{"id", 1}, {"src", 2}, {"ts", 3}, {"event_type", 4}, {"user", 5}, {"session_id", 6}};
  const BytePattern event_type("event_type");

  std::size_t hint = 3;
  REQUIRE(find_member(o, event_type, hint) == &o.begin()[3]);
  CHECK(hint == 3);

  hint = 2;  // one before: a field was missing from the previous record
  REQUIRE(find_member(o, event_type, hint) == &o.begin()[3]);
  CHECK(hint == 3);

  hint = 4;  // one after
  REQUIRE(find_member(o, event_type, hint) == &o.begin()[3]);
  CHECK(hint == 3);

  hint = 0;  // far off: a scan
  REQUIRE(find_member(o, event_type, hint) == &o.begin()[3]);
  CHECK(hint == 3);

  hint = std::numeric_limits<std::size_t>::max();  // never set to a real position
  REQUIRE(find_member(o, event_type, hint) == &o.begin()[3]);
  CHECK(hint == 3);

  SECTION("an absent key is nullptr and leaves the hint where it was") {
    const BytePattern amount("amount");
    hint = 3;
    CHECK(find_member(o, amount, hint) == nullptr);
    CHECK(hint == 3);
    // Same length and first bytes as a present key ("src"), different last byte.
    const BytePattern srx("srx");
    CHECK(find_member(o, srx, hint) == nullptr);
  }

  SECTION("an empty object has no members") {
    json::object empty;
    hint = 0;
    CHECK(find_member(empty, event_type, hint) == nullptr);
  }

  SECTION("a const object gives a const member") {
    const json::object& c = o;
    hint = 0;
    const json::key_value_pair* kv = find_member(c, event_type, hint);
    REQUIRE(kv != nullptr);
    CHECK(kv->value().as_int64() == 4);
  }
}

TEST_CASE("find_member agrees with Boost.JSON's find on objects of every size, with stale hints") {
  // Keys that share lengths, prefixes and suffixes, so that only a full compare tells them apart.
  std::vector<std::string> keys;
  for (const char* stem : {"a", "ab", "user", "user_", "latency_ms", "session_id", "a_rather_long_field_name_x"})
    for (char last : {'0', '1', '2'}) keys.push_back(std::string(stem) + last);

  std::mt19937 rng(7);
  for (int round = 0; round < 400; ++round) {
    // Up to twice the scan limit, so that both the scan and Boost.JSON's hashed lookup run.
    const std::size_t size = std::uniform_int_distribution<std::size_t>(0, 2 * kScanLimit)(rng);
    std::vector<std::string> shuffled = keys;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    json::object o;
    for (std::size_t i = 0; i < size && i < shuffled.size(); ++i) o.emplace(shuffled[i], static_cast<int64_t>(i));

    for (const std::string& key : keys) {
      const BytePattern pattern(key);
      std::size_t hint = std::uniform_int_distribution<std::size_t>(0, 2 * kScanLimit + 2)(rng);
      const std::size_t hint_before = hint;
      const json::key_value_pair* found = find_member(o, pattern, hint);
      CAPTURE(round, size, key, hint_before);
      REQUIRE(found == expected(o, key));
      if (found != nullptr) {
        CHECK(hint == static_cast<std::size_t>(found - o.begin()));
      } else {
        CHECK(hint == hint_before);
      }
    }
  }
}

TEST_CASE("KeyPath finds the member at the end of a path, each key with its own hint slot") {
  using sluice::plugins::common::KeyPath;
  KeyPath country({"user", "country"});
  KeyPath id({"id"});
  std::size_t next = country.number_keys(0);
  CHECK(next == 2);
  next = id.number_keys(next);
  CHECK(next == 3);
  std::vector<std::size_t> hints(next, 0);

  json::object record{{"id", "a"}, {"user", json::object{{"id", "u"}, {"country", "SE"}}}};
  const json::key_value_pair* found = country.find(static_cast<const json::object&>(record), hints.data());
  REQUIRE(found != nullptr);
  CHECK(found->value() == "SE");
  CHECK(hints == std::vector<std::size_t>{1, 1, 0});  // user at 1, country at 1 inside it; id at 0

  // The same path in records shaped otherwise: a different position, a missing key, a parent
  // that is not an object.
  json::object moved{{"user", json::object{{"country", "DE"}}}, {"id", "b"}};
  REQUIRE(country.find(moved, hints.data()) != nullptr);
  CHECK(country.find(moved, hints.data())->value() == "DE");
  CHECK(id.find(moved, hints.data())->value() == "b");
  json::object no_country{{"user", json::object{{"id", "u"}}}};
  CHECK(country.find(no_country, hints.data()) == nullptr);
  json::object user_not_object{{"user", "SE"}};
  CHECK(country.find(user_not_object, hints.data()) == nullptr);
  CHECK(country.child_object(user_not_object, 0, hints.data()) == nullptr);
}
