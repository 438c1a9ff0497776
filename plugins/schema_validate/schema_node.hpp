// A JSON Schema compiled into a tree of check nodes: every keyword is resolved at init into a
// typed field, so validating a record never looks a keyword up by name.
#pragma once

#include <re2/re2.h>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fixed_shape.hpp"
#include "property_index.hpp"

namespace sluice::plugins::schema_validate {

// Instance type bits. A number with no fractional part carries both kTypeNumber and
// kTypeInteger, so "type": "number" accepts integers and "type": "integer" accepts 3.0.
inline constexpr uint8_t kTypeNull = 1u << 0;
inline constexpr uint8_t kTypeBoolean = 1u << 1;
inline constexpr uint8_t kTypeObject = 1u << 2;
inline constexpr uint8_t kTypeArray = 1u << 3;
inline constexpr uint8_t kTypeNumber = 1u << 4;
inline constexpr uint8_t kTypeInteger = 1u << 5;
inline constexpr uint8_t kTypeString = 1u << 6;
inline constexpr uint8_t kTypeAny = 0x7f;

inline constexpr uint64_t kUnbounded = std::numeric_limits<uint64_t>::max();

struct SchemaNode;
using SchemaNodePtr = std::unique_ptr<SchemaNode>;

// Keywords that apply to strings only. Lengths count Unicode code points.
struct StringChecks {
  uint64_t min_length = 0;
  uint64_t max_length = kUnbounded;
  std::unique_ptr<RE2> pattern;  // null when absent; RE2 is safe to share between threads
  std::optional<FixedShape> shape;  // the pattern, where it has a fixed shape: checked instead
};

// Keywords that apply to numbers only. Each limit holds an int64, uint64 or double exactly as
// the schema wrote it, and is compared exactly against the instance (no rounding to double).
struct NumberChecks {
  std::optional<boost::json::value> minimum;
  std::optional<boost::json::value> exclusive_minimum;
  std::optional<boost::json::value> maximum;
  std::optional<boost::json::value> exclusive_maximum;
};

struct PropertyCheck {
  std::string name;
  SchemaNodePtr schema;
};

// Keywords that apply to objects only. Every name the object keywords mention has a slot:
// properties[i] has slot i, and names that are only required follow. Objects are validated by
// matching each member once against `index` (or, for objects much larger than the schema,
// by looking each slot's name up once in the object).
struct ObjectChecks {
  std::vector<std::string> required;  // in the schema's order
  std::vector<int> required_slots;    // the slot of each name in `required`
  uint64_t min_properties = 0;
  uint64_t max_properties = kUnbounded;
  std::vector<PropertyCheck> properties;  // in the schema's order
  // Applies to members not named in `properties`; null when absent (anything goes).
  SchemaNodePtr additional;
  // Slot names -> slots; views the names above, so it is built once they are final.
  PropertyIndex index;
  std::vector<const std::string*> slot_names;
};

// Keywords that apply to arrays only.
struct ArrayChecks {
  uint64_t min_items = 0;
  uint64_t max_items = kUnbounded;
  bool unique_items = false;
  std::vector<SchemaNodePtr> prefix_items;
  SchemaNodePtr items;  // for the elements after prefix_items; null when absent
};

// One (sub)schema. Immutable once compiled, so one tree may serve any number of threads.
struct SchemaNode {
  // Accepted instance types. 0 only for the boolean schema `false`, whose failures are
  // reported with reject_keyword (the keyword holding this subschema, such as
  // "additionalProperties", or "false" at the root).
  uint8_t types = kTypeAny;
  // False when `types` is the only check, so most leaves finish after one test.
  bool has_more_checks = false;
  bool has_applicators = false;
  const char* reject_keyword = "false";
  std::optional<boost::json::array> enum_values;
  std::optional<boost::json::value> const_value;
  // Per-type keyword groups; null when the schema has none of that group's keywords.
  std::unique_ptr<StringChecks> string_checks;
  std::unique_ptr<NumberChecks> number_checks;
  std::unique_ptr<ObjectChecks> object_checks;
  std::unique_ptr<ArrayChecks> array_checks;
  // Applicators, checked after everything above.
  std::vector<SchemaNodePtr> all_of;
  std::vector<SchemaNodePtr> any_of;
  std::vector<SchemaNodePtr> one_of;
  SchemaNodePtr not_schema;
};

}  // namespace sluice::plugins::schema_validate
