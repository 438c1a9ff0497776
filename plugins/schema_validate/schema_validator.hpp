// Validates JSON values against a compiled schema tree. Safe to call concurrently on one tree
// with a ValidationFailure per thread.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "schema_node.hpp"

namespace sluice::plugins::schema_validate {

// Where and why the first failing check failed. Filled only on failure, while the
// validation unwinds, so validating a valid value neither allocates nor formats anything.
// The path views keys of the validated value and of the schema tree: format it before either
// goes away. Reuse one instance for many values (clear() keeps its capacity).
class ValidationFailure {
 public:
  // Records the failing keyword (a string literal) and returns false, for `return fail(...)`.
  bool fail(const char* keyword) noexcept {
    keyword_ = keyword;
    return false;
  }
  // Prepends one reference token: called from the innermost failing value outwards.
  void push_key(std::string_view key) { reversed_path_.push_back(PathToken{key, 0, false}); }
  void push_index(std::size_t index) { reversed_path_.push_back(PathToken{{}, index, true}); }
  void clear() noexcept {
    keyword_ = nullptr;
    reversed_path_.clear();
  }

  const char* keyword() const noexcept { return keyword_; }
  // The JSON Pointer of the failing value ("" for the root), tokens escaped.
  std::string pointer() const;
  // Replaces `out` with "<pointer>: <keyword>", e.g. "/user/country: pattern".
  void format_detail(std::string& out) const;

 private:
  struct PathToken {
    std::string_view key;
    std::size_t index;
    bool is_index;
  };
  void append_pointer(std::string& out) const;

  const char* keyword_ = nullptr;
  std::vector<PathToken> reversed_path_;
};

// True when `value` satisfies `schema`. Otherwise false, with `failure` describing the first
// failing check in the order documented in README.md; `failure` must be clear on entry.
bool validate(const SchemaNode& schema, const boost::json::value& value, ValidationFailure& failure);

}  // namespace sluice::plugins::schema_validate
