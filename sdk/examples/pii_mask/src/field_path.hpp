// A dotted path to a field of a record ("user.email"), split once at init.
#pragma once

#include <boost/json/value.hpp>
#include <sluice/sdk/config.hpp>
#include <span>
#include <string>
#include <vector>

namespace pii_mask {

// Immutable after parse(); safe to use from several threads at once. Every '.' separates two
// segments, so a key that itself contains a '.' cannot be addressed.
class FieldPath {
 public:
  // Reads a non-empty string without empty segments; ConfigError at `node` otherwise.
  static FieldPath parse(const sluice::sdk::ConfigNode& node);

  const std::string& text() const noexcept { return text_; }

  // Calls visit(boost::json::value&) on every value this path reaches in `root`. An array met on
  // the way (or at the end) stands for each of its elements, so "contacts.email" reaches the
  // email of every object in the array `contacts`. Missing keys and non-object parents reach
  // nothing.
  template <class Visit>
  void for_each(boost::json::value& root, Visit&& visit) const {
    walk(root, segments_, visit);
  }

 private:
  template <class Visit>
  static void walk(boost::json::value& v, std::span<const std::string> rest, Visit& visit) {
    if (boost::json::array* array = v.if_array()) {
      for (boost::json::value& element : *array) walk(element, rest, visit);
    } else if (rest.empty()) {
      visit(v);
    } else if (boost::json::object* object = v.if_object()) {
      if (boost::json::value* child = object->if_contains(rest.front())) walk(*child, rest.subspan(1), visit);
    }
  }

  std::string text_;
  std::vector<std::string> segments_;
};

}  // namespace pii_mask
