// A dotted path to a field of a record ("user.country"), split once at init.
#pragma once

#include <sluice/plugins/common/member_lookup.hpp>
#include <sluice/sdk/config.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::regex_enrich {

using common::KeyHints;

// Immutable after parse() and number_keys(); safe to use from several threads at once. Every
// '.' separates two segments, so a key that itself contains a '.' cannot be addressed.
class FieldPath {
 public:
  // Reads a non-empty string without empty segments; ConfigError at `node` otherwise.
  static FieldPath parse(const sdk::ConfigNode& node);

  const std::string& text() const noexcept { return text_; }
  const std::vector<std::string>& segments() const noexcept { return segments_; }
  bool top_level() const noexcept { return segments_.size() == 1; }

  // Gives this path's keys the hint slots from `next` on; returns the first slot after them.
  std::size_t number_keys(std::size_t next) noexcept { return keys_.number_keys(next); }

  // The value at this path, or nullptr where a segment is missing or a parent is not an object.
  const boost::json::value* find(const boost::json::object& root, KeyHints hints) const noexcept;
  // The string at this path, or nullptr where it is missing or not a string. The view points
  // into `root` and is invalidated by the next change to the object that holds it.
  bool find_string(const boost::json::object& root, std::string_view& out, KeyHints hints) const noexcept;
  // Sets the value at this path to a copy of `v` (on root's storage), creating missing parent
  // objects. Returns false, changing nothing more, where a parent exists and is not an object;
  // `blocked` then names that parent (a view into this path).
  bool assign(boost::json::object& root, const boost::json::value& v, std::string_view* blocked = nullptr) const;
  // True when one path equals the other or lies under it ("a" and "a.b").
  bool overlaps(const FieldPath& other) const noexcept;

 private:
  std::string text_;
  std::vector<std::string> segments_;
  common::KeyPath keys_;  // segments_, prepared for matching
};

// Field pruning: whether an output field is still to be written (some later stage, or this one,
// reads it).
using KeepField = std::function<bool(const FieldPath&)>;

}  // namespace sluice::plugins::regex_enrich
