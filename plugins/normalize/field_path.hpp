// A dotted path to a field of a record ("user.country"), split once at init.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <sluice/sdk/config.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::normalize {

// The entry of `object` with key `key`, or end(). Records are small objects, where a scan
// inlined here beats Boost.JSON's out-of-line find; large objects use its hash table.
inline boost::json::object::iterator find_key(boost::json::object& object, std::string_view key) noexcept {
  constexpr std::size_t kScanLimit = 16;
  if (object.size() > kScanLimit) return object.find(key);
  for (auto it = object.begin(); it != object.end(); ++it) {
    const boost::json::string_view k = it->key();
    if (k.size() == key.size() && (key.empty() || (k[0] == key[0] && k.compare(key) == 0))) return it;
  }
  return object.end();
}

inline boost::json::value* find_value(boost::json::object& object, std::string_view key) noexcept {
  auto it = find_key(object, key);
  return it == object.end() ? nullptr : &it->value();
}

// Immutable after parse(); safe to use from several threads at once. A path descends only
// through objects. Every '.' separates two keys, so a key that itself holds a '.' cannot be
// addressed.
class FieldPath {
 public:
  // Reads a non-empty string without empty segments ("a..b", ".a", "a."); ConfigError at
  // `node` otherwise.
  static FieldPath parse(const sdk::ConfigNode& node);

  const std::string& text() const noexcept { return text_; }
  // The last key: the one the field has in the object that holds it.
  std::string_view key() const noexcept { return segments_.back(); }

  // The object that holds (or would hold) the field, or nullptr where the record is not an
  // object, or a parent is missing or not an object.
  boost::json::object* find_parent(boost::json::value& root) const noexcept;
  // Like find_parent, but creates missing parent objects (on the root's storage). nullptr
  // where the record is not an object or a parent exists and is not an object.
  boost::json::object* make_parent(boost::json::value& root) const;
  // The field's value, or nullptr where it is absent.
  boost::json::value* find(boost::json::value& root) const noexcept;
  // True when make_parent would succeed: the record is an object and every parent that
  // exists is an object. Creates nothing.
  bool parent_writable(boost::json::value& root) const noexcept;
  // True when `other` lies strictly under this path ("a" and "a.b"; not "a" and "a").
  bool is_ancestor_of(const FieldPath& other) const noexcept;

  bool operator==(const FieldPath& other) const noexcept { return segments_ == other.segments_; }

 private:
  std::string text_;
  std::vector<std::string> segments_;
};

}  // namespace sluice::plugins::normalize
