// A dotted path to a field of a record ("user.country"), split once at init.
#pragma once

#include <sluice/plugins/common/member_lookup.hpp>
#include <sluice/sdk/config.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::normalize {

using common::KeyHints;

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

  // Gives this path's keys the hint slots from `next` on; returns the first slot after them.
  std::size_t number_keys(std::size_t next) noexcept { return keys_.number_keys(next); }

  // The object that holds (or would hold) the field, or nullptr where the record is not an
  // object, or a parent is missing or not an object.
  boost::json::object* find_parent(boost::json::value& root, KeyHints hints) const noexcept;
  // The field's entry in `parent` (which find_parent returned), or nullptr where it is absent.
  boost::json::key_value_pair* find_in(boost::json::object& parent, KeyHints hints) const noexcept {
    return keys_.member(parent, keys_.size() - 1, hints);
  }
  // Like find_parent, but creates missing parent objects (on the root's storage). nullptr
  // where the record is not an object or a parent exists and is not an object.
  boost::json::object* make_parent(boost::json::value& root, KeyHints hints) const;
  // The field's value, or nullptr where it is absent.
  boost::json::value* find(boost::json::value& root, KeyHints hints) const noexcept;
  // True when make_parent would succeed: the record is an object and every parent that
  // exists is an object. Creates nothing.
  bool parent_writable(boost::json::value& root, KeyHints hints) const noexcept;
  // True when `other` lies strictly under this path ("a" and "a.b"; not "a" and "a").
  bool is_ancestor_of(const FieldPath& other) const noexcept;

  bool operator==(const FieldPath& other) const noexcept { return segments_ == other.segments_; }

 private:
  std::string text_;
  std::vector<std::string> segments_;
  common::KeyPath keys_;  // segments_, prepared for matching
};

}  // namespace sluice::plugins::normalize
