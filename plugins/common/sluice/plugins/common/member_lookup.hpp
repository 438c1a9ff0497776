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
#include <string>
#include <type_traits>
#include <vector>

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
[[gnu::noinline]] MemberPointer<Object> search_member(Object& object, const BytePattern& key,
                                                      std::size_t& hint) noexcept {
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

// Where each key of a stage's field paths was found in the previous record: one slot per key
// (KeyPath::number_keys), owned by the one thread walking a batch. Hints only make lookups
// faster; any values give the same results.
using KeyHints = std::size_t*;

// The keys of a field path ("user.country": user, then country), prepared for find_member, and
// the hint slots they use. Immutable after number_keys(); safe to share between threads.
class KeyPath {
 public:
  KeyPath() = default;
  explicit KeyPath(const std::vector<std::string>& keys) {
    for (const std::string& k : keys) keys_.emplace_back(k);
  }

  std::size_t size() const noexcept { return keys_.size(); }
  // Gives the keys the hint slots from `next` on; returns the first slot after them.
  std::size_t number_keys(std::size_t next) noexcept {
    first_slot_ = next;
    return next + keys_.size();
  }

  // The member of `object` for key i, or nullptr.
  template <class Object>
  MemberPointer<Object> member(Object& object, std::size_t i, KeyHints hints) const noexcept {
    return find_member(object, keys_[i], hints[first_slot_ + i]);
  }
  // The object that is the value of key i in `object`, or nullptr where it is absent or not an
  // object.
  template <class Object>
  Object* child_object(Object& object, std::size_t i, KeyHints hints) const noexcept {
    const auto m = member(object, i, hints);
    return m ? m->value().if_object() : nullptr;
  }
  // The member at the end of the path from `root`, or nullptr where a key is missing or a
  // parent is not an object.
  template <class Object>
  MemberPointer<Object> find(Object& root, KeyHints hints) const noexcept {
    Object* object = &root;
    for (std::size_t i = 0; i + 1 < keys_.size(); ++i) {
      object = child_object(*object, i, hints);
      if (!object) return nullptr;
    }
    return member(*object, keys_.size() - 1, hints);
  }

 private:
  std::vector<BytePattern> keys_;
  std::size_t first_slot_ = 0;
};

}  // namespace sluice::plugins::common
