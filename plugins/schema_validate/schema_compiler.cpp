#include "schema_compiler.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <string_view>

namespace sluice::plugins::schema_validate {
namespace {

namespace json = boost::json;

// Keywords that only annotate a schema: accepted and ignored.
constexpr std::string_view kAnnotations[] = {"$schema", "$id",      "title",      "description", "$comment",
                                             "default", "examples", "deprecated", "readOnly",    "writeOnly"};

struct TypeName {
  std::string_view name;
  uint8_t bit;
};
constexpr TypeName kTypeNames[] = {{"null", kTypeNull},    {"boolean", kTypeBoolean}, {"object", kTypeObject},
                                   {"array", kTypeArray},  {"number", kTypeNumber},   {"integer", kTypeInteger},
                                   {"string", kTypeString}};

bool is_annotation(std::string_view keyword) {
  return std::find(std::begin(kAnnotations), std::end(kAnnotations), keyword) != std::end(kAnnotations);
}

// Compiles one subschema. `pointer` is its location in the document (for errors); it is
// extended while descending and restored before returning.
class NodeCompiler {
 public:
  SchemaNodePtr compile(const json::value& schema, std::string& pointer, const char* reject_keyword) {
    auto node = std::make_unique<SchemaNode>();
    if (schema.is_bool()) {
      node->types = schema.get_bool() ? kTypeAny : 0;
      node->reject_keyword = reject_keyword;
      return node;
    }
    if (!schema.is_object()) throw SchemaError(pointer, "a schema must be an object or a boolean");
    for (const json::key_value_pair& member : schema.get_object()) {
      std::size_t mark = pointer.size();
      append_pointer_token(pointer, member.key());
      compile_keyword(*node, member.key(), member.value(), pointer);
      pointer.resize(mark);
    }
    if (node->object_checks) index_members(*node->object_checks);
    SchemaNode& n = *node;
    n.has_applicators = !n.all_of.empty() || !n.any_of.empty() || !n.one_of.empty() || n.not_schema;
    n.has_more_checks = n.enum_values || n.const_value || n.string_checks || n.number_checks || n.object_checks ||
                        n.array_checks || n.has_applicators;
    return node;
  }

 private:
  void compile_keyword(SchemaNode& node, std::string_view keyword, const json::value& v, std::string& pointer) {
    if (keyword == "type") {
      node.types = type_mask(v, pointer);
    } else if (keyword == "enum") {
      if (!v.is_array()) throw SchemaError(pointer, "'enum' must be an array");
      node.enum_values.emplace(v.get_array(), json::storage_ptr());  // owns its copy
    } else if (keyword == "const") {
      node.const_value.emplace(v, json::storage_ptr());
    } else if (keyword == "minLength") {
      string_checks(node).min_length = count(v, keyword, pointer);
    } else if (keyword == "maxLength") {
      string_checks(node).max_length = count(v, keyword, pointer);
    } else if (keyword == "pattern") {
      string_checks(node).pattern = compile_pattern(v, pointer);
      string_checks(node).shape = FixedShape::compile(std::string_view(v.get_string()));
    } else if (keyword == "minimum") {
      number_checks(node).minimum.emplace(number(v, keyword, pointer));
    } else if (keyword == "exclusiveMinimum") {
      number_checks(node).exclusive_minimum.emplace(number(v, keyword, pointer));
    } else if (keyword == "maximum") {
      number_checks(node).maximum.emplace(number(v, keyword, pointer));
    } else if (keyword == "exclusiveMaximum") {
      number_checks(node).exclusive_maximum.emplace(number(v, keyword, pointer));
    } else if (keyword == "required") {
      object_checks(node).required = string_list(v, keyword, pointer);
    } else if (keyword == "minProperties") {
      object_checks(node).min_properties = count(v, keyword, pointer);
    } else if (keyword == "maxProperties") {
      object_checks(node).max_properties = count(v, keyword, pointer);
    } else if (keyword == "properties") {
      compile_properties(object_checks(node), v, pointer);
    } else if (keyword == "additionalProperties") {
      object_checks(node).additional = compile(v, pointer, "additionalProperties");
    } else if (keyword == "minItems") {
      array_checks(node).min_items = count(v, keyword, pointer);
    } else if (keyword == "maxItems") {
      array_checks(node).max_items = count(v, keyword, pointer);
    } else if (keyword == "uniqueItems") {
      if (!v.is_bool()) throw SchemaError(pointer, "'uniqueItems' must be a boolean");
      array_checks(node).unique_items = v.get_bool();
    } else if (keyword == "prefixItems") {
      array_checks(node).prefix_items = schema_list(v, keyword, pointer, "prefixItems");
    } else if (keyword == "items") {
      array_checks(node).items = compile(v, pointer, "items");
    } else if (keyword == "allOf") {
      node.all_of = schema_list(v, keyword, pointer, "allOf");
    } else if (keyword == "anyOf") {
      node.any_of = schema_list(v, keyword, pointer, "anyOf");
    } else if (keyword == "oneOf") {
      node.one_of = schema_list(v, keyword, pointer, "oneOf");
    } else if (keyword == "not") {
      node.not_schema = compile(v, pointer, "not");
    } else if (!is_annotation(keyword)) {
      throw SchemaError(pointer, "unsupported JSON Schema keyword '" + std::string(keyword) + "'");
    }
  }

  static StringChecks& string_checks(SchemaNode& n) {
    if (!n.string_checks) n.string_checks = std::make_unique<StringChecks>();
    return *n.string_checks;
  }
  static NumberChecks& number_checks(SchemaNode& n) {
    if (!n.number_checks) n.number_checks = std::make_unique<NumberChecks>();
    return *n.number_checks;
  }
  static ObjectChecks& object_checks(SchemaNode& n) {
    if (!n.object_checks) n.object_checks = std::make_unique<ObjectChecks>();
    return *n.object_checks;
  }
  static ArrayChecks& array_checks(SchemaNode& n) {
    if (!n.array_checks) n.array_checks = std::make_unique<ArrayChecks>();
    return *n.array_checks;
  }

  static uint8_t type_bit(const json::value& v, const std::string& pointer) {
    if (v.is_string())
      for (const TypeName& t : kTypeNames)
        if (v.get_string() == t.name) return t.bit;
    throw SchemaError(pointer, "unknown type " + json::serialize(v) +
                                   " (expected null, boolean, object, array, number, integer or string)");
  }

  static uint8_t type_mask(const json::value& v, std::string& pointer) {
    if (!v.is_array()) return type_bit(v, pointer);
    if (v.get_array().empty()) throw SchemaError(pointer, "'type' must not be an empty array");
    uint8_t mask = 0;
    for (std::size_t i = 0; i < v.get_array().size(); ++i) {
      std::size_t mark = pointer.size();
      pointer += '/' + std::to_string(i);
      uint8_t bit = type_bit(v.get_array()[i], pointer);
      if (mask & bit) throw SchemaError(pointer, "'type' names a type twice");
      mask |= bit;
      pointer.resize(mark);
    }
    return mask;
  }

  // A non-negative integer (2020-12 allows 3.0 for 3).
  static uint64_t count(const json::value& v, std::string_view keyword, const std::string& pointer) {
    if (v.is_uint64()) return v.get_uint64();
    if (v.is_int64() && v.get_int64() >= 0) return static_cast<uint64_t>(v.get_int64());
    if (v.is_double()) {
      double d = v.get_double();
      if (d >= 0 && std::trunc(d) == d) return d >= 18446744073709551616.0 ? kUnbounded : static_cast<uint64_t>(d);
    }
    throw SchemaError(pointer, "'" + std::string(keyword) + "' must be a non-negative integer");
  }

  static json::value number(const json::value& v, std::string_view keyword, const std::string& pointer) {
    if (!v.is_int64() && !v.is_uint64() && !v.is_double())
      throw SchemaError(pointer, "'" + std::string(keyword) + "' must be a number");
    return json::value(v, json::storage_ptr());
  }

  static std::unique_ptr<RE2> compile_pattern(const json::value& v, const std::string& pointer) {
    if (!v.is_string()) throw SchemaError(pointer, "'pattern' must be a string");
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingUTF8);
    options.set_log_errors(false);
    const json::string& text = v.get_string();
    auto re = std::make_unique<RE2>(re2::StringPiece(text.data(), text.size()), options);
    if (!re->ok())
      throw SchemaError(pointer, "pattern " + json::serialize(v) + " is not supported by RE2: " + re->error());
    return re;
  }

  static std::vector<std::string> string_list(const json::value& v, std::string_view keyword, std::string& pointer) {
    if (!v.is_array()) throw SchemaError(pointer, "'" + std::string(keyword) + "' must be an array of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.get_array().size(); ++i) {
      const json::value& item = v.get_array()[i];
      std::string at = pointer + '/' + std::to_string(i);
      if (!item.is_string()) throw SchemaError(at, "'" + std::string(keyword) + "' must list strings");
      std::string name(item.get_string());
      if (std::find(out.begin(), out.end(), name) != out.end())
        throw SchemaError(at, "'" + std::string(keyword) + "' lists '" + name + "' twice");
      out.push_back(std::move(name));
    }
    return out;
  }

  std::vector<SchemaNodePtr> schema_list(const json::value& v, std::string_view keyword, std::string& pointer,
                                         const char* reject_keyword) {
    if (!v.is_array() || v.get_array().empty())
      throw SchemaError(pointer, "'" + std::string(keyword) + "' must be a non-empty array of schemas");
    std::vector<SchemaNodePtr> out;
    for (std::size_t i = 0; i < v.get_array().size(); ++i) {
      std::size_t mark = pointer.size();
      pointer += '/' + std::to_string(i);
      out.push_back(compile(v.get_array()[i], pointer, reject_keyword));
      pointer.resize(mark);
    }
    return out;
  }

  void compile_properties(ObjectChecks& checks, const json::value& v, std::string& pointer) {
    if (!v.is_object()) throw SchemaError(pointer, "'properties' must be an object of schemas");
    for (const json::key_value_pair& member : v.get_object()) {
      std::size_t mark = pointer.size();
      append_pointer_token(pointer, member.key());
      checks.properties.push_back(
          PropertyCheck{std::string(member.key()), compile(member.value(), pointer, "properties")});
      pointer.resize(mark);
    }
  }

  // Assigns slots (properties first, then names only `required` mentions) and builds the
  // index. The checks must not change afterwards: the index views their names.
  static void index_members(ObjectChecks& checks) {
    checks.slot_names.clear();
    for (const PropertyCheck& p : checks.properties) checks.slot_names.push_back(&p.name);
    checks.required_slots.clear();
    for (const std::string& name : checks.required) {
      auto same = [&name](const std::string* s) { return *s == name; };
      auto it = std::find_if(checks.slot_names.begin(), checks.slot_names.end(), same);
      if (it == checks.slot_names.end()) it = checks.slot_names.insert(it, &name);
      checks.required_slots.push_back(static_cast<int>(it - checks.slot_names.begin()));
    }
    checks.index.build(checks.slot_names);
  }
};

}  // namespace

void append_pointer_token(std::string& pointer, std::string_view token) {
  pointer += '/';
  for (char c : token) {
    if (c == '~')
      pointer += "~0";
    else if (c == '/')
      pointer += "~1";
    else
      pointer += c;
  }
}

SchemaNodePtr compile_schema(const json::value& document) {
  std::string pointer;
  NodeCompiler compiler;
  return compiler.compile(document, pointer, "false");
}

}  // namespace sluice::plugins::schema_validate
