// Finds a known key among a record object's members, fast. Records of one stream keep their
// keys in nearly the same order, so a caller remembers where it found a key in the previous
// record (its hint) and the search tries that position and its two neighbours first (an
// optional field before the key shifts it by one): a compare or three instead of a scan.
// A key that is absent still costs a full scan; the compare is inline either way, where
// Boost.JSON's own find calls memcmp for every key of the same length.
#pragma once

#include <sluice/plugins/common/short_bytes.hpp>

#include <boost/json/object.hpp>

#include <cstddef>
#include <type_traits>

namespace sluice::plugins::common {

// Objects larger than this are searched by Boost.JSON, which hashes their keys; smaller ones
// have no hash table (Boost.JSON scans them too, with a memcmp call per key of the same
// length), so they are scanned here.
inline constexpr std::size_t kScanLimit = boost::json::detail::small_object_size_;

template <class Object>
using MemberPointer =
    std::conditional_t<std::is_const_v<Object>, const boost::json::key_value_pair*, boost::json::key_value_pair*>;

// The member of `object` whose key is `key`, or nullptr. `hint` is where the caller found this
// key last time (any value at first); it moves to where the key is found now.
template <class Object>
[[gnu::noinline]] MemberPointer<Object> search_member(Object& object, const BytePattern& key, std::size_t& hint) noexcept {
  MemberPointer<Object> const members = object.begin();
  const std::size_t size = object.size();
  if (size > kScanLimit) {
    auto it = object.find(key.text());
    if (it == object.end()) return nullptr;
    hint = static_cast<std::size_t>(it - members);
    return it;
  }
  for (std::size_t i = 0; i < size; ++i) {
    const boost::json::string_view k = members[i].key();
    if (key.matches(k.data(), k.size())) {
      hint = i;
      return members + i;
    }
  }
  return nullptr;
}

template <class Object>
[[gnu::always_inline]] inline MemberPointer<Object> find_member(Object& object, const BytePattern& key,
                                                                std::size_t& hint) noexcept {
  static_assert(std::is_same_v<std::remove_const_t<Object>, boost::json::object>);
  MemberPointer<Object> const members = object.begin();
  const std::size_t size = object.size();
  auto is_key = [&](std::size_t i) {
    const boost::json::string_view k = members[i].key();
    return key.matches(k.data(), k.size());
  };
  if (hint < size && is_key(hint)) return members + hint;
  if (hint + 1 < size && is_key(hint + 1)) return members + ++hint;
  if (hint - 1 < size && is_key(hint - 1)) return members + --hint;  // hint 0: wraps, fails the test
  return search_member(object, key, hint);
}

}  // namespace sluice::plugins::common
