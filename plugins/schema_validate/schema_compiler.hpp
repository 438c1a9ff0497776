// Turns a parsed JSON Schema document into a tree of check nodes (see schema_node.hpp and
// README.md for the keywords it accepts).
#pragma once

#include <boost/json/value.hpp>
#include <stdexcept>
#include <string>

#include "schema_node.hpp"

namespace sluice::plugins::schema_validate {

// A schema that cannot be compiled. what() names the problem; pointer() is the JSON Pointer,
// inside the schema document, of the offending keyword or value ("" for the root).
class SchemaError : public std::runtime_error {
 public:
  SchemaError(std::string pointer, const std::string& message)
      : std::runtime_error(message), pointer_(std::move(pointer)) {}
  const std::string& pointer() const noexcept { return pointer_; }

 private:
  std::string pointer_;
};

// Compiles `document` (an object or a boolean). Throws SchemaError for a keyword it does not
// implement, a keyword value of the wrong form, or a pattern RE2 cannot compile: an
// unsupported keyword is never silently ignored. The result does not refer to `document`.
SchemaNodePtr compile_schema(const boost::json::value& document);

// Appends `token` to `pointer` as one JSON Pointer reference token ("~" -> "~0", "/" -> "~1").
void append_pointer_token(std::string& pointer, std::string_view token);

}  // namespace sluice::plugins::schema_validate
