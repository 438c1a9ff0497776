// A dotted path to a field of a record ("user.country"), split once at init.
#pragma once

#include <sluice/plugins/common/member_lookup.hpp>
#include <sluice/plugins/common/short_bytes.hpp>
#include <sluice/sdk/config.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::normalize {

// Where each key of a stage's field paths was found in the previous record: one slot per key
// (FieldPath::number_keys), owned by the one thread walking a batch. Hints only make lookups
// faster (common::find_member); any values give the same results.
using KeyHints = std::size_t*;

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
  std::size_t number_keys(std::size_t next) noexcept {
    first_slot_ = next;
    return next + keys_.size();
  }

  // The object that holds (or would hold) the field, or nullptr where the record is not an
  // object, or a parent is missing or not an object.
  boost::json::object* find_parent(boost::json::value& root, KeyHints hints) const noexcept;
  // The field's entry in `parent` (which find_parent returned), or nullptr where it is absent.
  boost::json::key_value_pair* find_in(boost::json::object& parent, KeyHints hints) const noexcept {
    return common::find_member(parent, keys_.back(), hints[first_slot_ + keys_.size() - 1]);
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
  // The object under `object` at key i, or nullptr where it is absent or not an object.
  boost::json::object* child_object(boost::json::object& object, std::size_t i, KeyHints hints) const noexcept {
    boost::json::key_value_pair* member = common::find_member(object, keys_[i], hints[first_slot_ + i]);
    return member ? member->value().if_object() : nullptr;
  }

  std::string text_;
  std::vector<std::string> segments_;
  std::vector<common::BytePattern> keys_;  // segments_, prepared for matching
  std::size_t first_slot_ = 0;
};

}  // namespace sluice::plugins::normalize
