#include "operation_config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace sluice::plugins::normalize {

namespace {

struct OpSpec {
  std::string_view name;
  OpKind kind;
  std::vector<std::string_view> required;
  std::vector<std::string_view> optional;
};

const std::vector<OpSpec>& op_specs() {
  static const std::vector<OpSpec> kSpecs = {
      {"rename", OpKind::rename, {"from", "to"}, {}},
      {"default", OpKind::set_default, {"field", "value"}, {}},
      {"lowercase", OpKind::lowercase, {"field"}, {}},
      {"uppercase", OpKind::uppercase, {"field"}, {}},
      {"trim", OpKind::trim, {"field"}, {}},
      {"parse_timestamp", OpKind::parse_timestamp, {"field", "to"}, {"format", "remove_source"}},
  };
  return kSpecs;
}

std::string joined(const std::vector<std::string_view>& words) {
  std::string s;
  for (std::string_view w : words) s += (s.empty() ? "" : ", ") + std::string(w);
  return s;
}

std::string suggestion(std::string_view word, const std::vector<std::string_view>& known) {
  const std::string close = closest_match(word, known);
  return close.empty() ? "expected one of: " + joined(known) : "did you mean '" + close + "'?";
}

// Rejects keys of map `node` that are not in `known`, at the key's position.
void require_known_keys(const sdk::ConfigNode& node, std::string_view what,
                        const std::vector<std::string_view>& known) {
  for (const auto& entry : node.entries()) {
    if (std::find(known.begin(), known.end(), entry.key) == known.end())
      throw sdk::ConfigError(entry.key_mark, "unknown key '" + entry.key + "' in " + std::string(what),
                             suggestion(entry.key, known));
  }
}

const sdk::ConfigNode& require_key(const sdk::ConfigNode& node, std::string_view key, std::string_view what) {
  const sdk::ConfigNode* value = node.find(key);
  if (!value || value->is_null()) node.fail("missing required key '" + std::string(key) + "' in " + std::string(what));
  return *value;
}

bool is_all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// YAML 1.2 core-schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool looks_like_float(std::string_view s) noexcept {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++frac_digits;
    if (int_digits == 0 && frac_digits == 0) return false;
  } else if (int_digits == 0) {
    return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!is_all_digits(s.substr(i))) return false;
    i = s.size();
  }
  return i == s.size();
}

bool is_yaml_special_float(std::string_view s) noexcept {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  for (std::string_view special : {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"})
    if (s == special) return true;
  return false;
}

boost::json::value json_from_plain_scalar(const sdk::ConfigNode& node) {
  const std::string& text = node.raw_scalar();
  // Only true/false: `no` or `on` as booleans (YAML 1.1) would turn country codes like NO
  // into false.
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  std::string_view digits = text;
  const bool negative = !digits.empty() && digits[0] == '-';
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
  if (is_all_digits(digits)) {
    std::int64_t i = 0;
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    if (auto [p, ec] = std::from_chars(begin, text.data() + text.size(), i); ec == std::errc()) return i;
    std::uint64_t u = 0;
    if (!negative) {
      if (auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u); ec == std::errc()) return u;
    }
    node.fail("integer '" + text + "' is out of range", "write it in quotes to keep it as a string");
  }
  if (looks_like_float(text)) {
    const double d = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(d)) node.fail("number '" + text + "' is out of range");
    return d;
  }
  if (is_yaml_special_float(text))
    node.fail("'" + text + "' cannot be a JSON value", "JSON has no infinities or NaN; quote it for a string");
  return boost::json::string(text);
}

FieldPath path_at(const sdk::ConfigNode& op_node, std::string_view key, std::string_view what) {
  return FieldPath::parse(require_key(op_node, key, what));
}

Operation compile_operation(const sdk::ConfigNode& node) {
  if (!node.is_map())
    node.fail("each operation must be a map such as {op: trim, field: name}, found " + node.type_name());
  const sdk::ConfigNode* op_node = node.find("op");
  std::vector<std::string_view> op_names;
  for (const OpSpec& spec : op_specs()) op_names.push_back(spec.name);
  if (!op_node || op_node->is_null()) node.fail("operation has no 'op'", "expected one of: " + joined(op_names));
  const std::string name = op_node->as_string();
  const auto spec = std::find_if(op_specs().begin(), op_specs().end(), [&](const OpSpec& s) { return s.name == name; });
  if (spec == op_specs().end()) op_node->fail("unknown op '" + name + "'", suggestion(name, op_names));

  const std::string what = "operation '" + name + "'";
  std::vector<std::string_view> keys = {"op"};
  keys.insert(keys.end(), spec->required.begin(), spec->required.end());
  keys.insert(keys.end(), spec->optional.begin(), spec->optional.end());
  require_known_keys(node, what, keys);

  Operation op;
  op.kind = spec->kind;
  switch (op.kind) {
    case OpKind::rename:
      op.field = path_at(node, "from", what);
      op.to = path_at(node, "to", what);
      if (op.to == op.field) node.find("to")->fail("rename from '" + op.field.text() + "' to itself does nothing");
      op.to_under_field = op.field.is_ancestor_of(op.to);
      break;
    case OpKind::set_default:
      op.field = path_at(node, "field", what);
      // Present but null (`value: null`) is a null default; absent is a mistake.
      if (const sdk::ConfigNode* value = node.find("value"))
        op.value = json_from_config(*value);
      else
        node.fail("missing required key 'value' in " + what);
      break;
    case OpKind::lowercase:
    case OpKind::uppercase:
    case OpKind::trim:
      op.field = path_at(node, "field", what);
      break;
    case OpKind::parse_timestamp: {
      op.field = path_at(node, "field", what);
      op.to = path_at(node, "to", what);
      if (op.field.is_ancestor_of(op.to))
        node.find("to")->fail("'" + op.to.text() + "' lies inside the timestamp string '" + op.field.text() + "'");
      if (const sdk::ConfigNode* format = node.find("format"); format && !format->is_null()) {
        if (format->as_string() != "rfc3339")
          format->fail("unknown timestamp format '" + format->as_string() + "'", "the supported format is rfc3339");
      }
      op.remove_source = node.get_bool("remove_source", true);
      break;
    }
  }
  return op;
}

}  // namespace

std::vector<Operation> compile_operations(const sdk::ConfigNode& config) {
  if (!config.is_map())
    config.fail("normalize needs a config map with an 'operations' list, found " + config.type_name());
  require_known_keys(config, "the normalize config", {"operations"});
  const sdk::ConfigNode& list = require_key(config, "operations", "the normalize config");
  if (!list.is_sequence()) list.fail("'operations' must be a list, found " + list.type_name());
  if (list.items().empty()) list.fail("'operations' is empty", "list at least one operation, or remove the stage");
  std::vector<Operation> ops;
  for (const sdk::ConfigNode& item : list.items()) ops.push_back(compile_operation(item));
  return ops;
}

boost::json::value json_from_config(const sdk::ConfigNode& node) {
  switch (node.type()) {
    case sdk::ConfigNode::Type::null:
      return nullptr;
    case sdk::ConfigNode::Type::scalar:
      return node.is_quoted() ? boost::json::value(boost::json::string(node.raw_scalar()))
                              : json_from_plain_scalar(node);
    case sdk::ConfigNode::Type::sequence: {
      boost::json::array array;
      for (const sdk::ConfigNode& item : node.items()) array.push_back(json_from_config(item));
      return array;
    }
    case sdk::ConfigNode::Type::map: {
      boost::json::object object;
      for (const auto& entry : node.entries()) object.insert_or_assign(entry.key, json_from_config(entry.value));
      return object;
    }
  }
  return nullptr;
}

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  // Levenshtein distance; a suggestion must be within a third of the word's length (at least 1).
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
  std::vector<std::size_t> row;
  for (std::string_view candidate : candidates) {
    row.resize(candidate.size() + 1);
    for (std::size_t j = 0; j <= candidate.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= candidate.size(); ++j) {
        const std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] == candidate[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    if (row[candidate.size()] < best_distance) {
      best_distance = row[candidate.size()];
      best = candidate;
    }
  }
  return best;
}

}  // namespace sluice::plugins::normalize
