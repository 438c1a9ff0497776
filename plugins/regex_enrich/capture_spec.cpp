#include "capture_spec.hpp"

#include "config_keys.hpp"

#include <boost/json/string.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>

namespace sluice::plugins::regex_enrich {

namespace json = boost::json;

ValueType parse_value_type(const sdk::ConfigNode& node) {
  std::string word = node.as_string();
  if (word == "string") return ValueType::string;
  if (word == "integer") return ValueType::integer;
  if (word == "number") return ValueType::number;
  std::string suggestion = closest_key(word, {"string", "integer", "number"});
  node.fail("unknown type '" + word + "'",
            suggestion.empty() ? "use string, integer or number" : "did you mean '" + suggestion + "'?");
}

json::value parse_typed_scalar(const sdk::ConfigNode& node, ValueType type) {
  if (node.is_null()) return nullptr;
  switch (type) {
    case ValueType::string:
      return json::string(node.as_string());
    case ValueType::integer:
      return node.as_int();
    case ValueType::number:
      return node.as_double();
  }
  return nullptr;
}

CaptureSpec CaptureSpec::parse(const sdk::ConfigNode& node) {
  require_keys_known(node, "a capture", {"group", "field", "type", "default", "if_empty"});
  CaptureSpec c;
  const sdk::ConfigNode& group = require_key(node, "group", "a capture");
  int64_t g = group.as_int();
  if (g < 0 || g > kMaxGroup)
    group.fail("capture group " + std::to_string(g) + " is out of range",
               "use 1 for the first group (0 is the whole match), at most " + std::to_string(kMaxGroup));
  c.group_ = static_cast<int>(g);
  c.target_ = FieldPath::parse(require_key(node, "field", "a capture"));
  if (const sdk::ConfigNode* t = node.find("type")) c.type_ = parse_value_type(*t);
  if (const sdk::ConfigNode* d = node.find("default")) c.fallback_ = parse_typed_scalar(*d, c.type_);
  if (const sdk::ConfigNode* e = node.find("if_empty")) {
    if (c.type_ != ValueType::string)
      e->fail("if_empty applies to string captures only", "an empty capture of a number type gives the default");
    c.if_empty_ = parse_typed_scalar(*e, c.type_);
  }
  return c;
}

bool CaptureSpec::convert(std::string_view text, const json::storage_ptr& sp, json::value& out) const {
  if (text.data() != nullptr) {
    switch (type_) {
      case ValueType::string:
        if (text.empty() && if_empty_) {
          out = *if_empty_;
        } else {
          out = json::string(text, sp);
        }
        return true;
      case ValueType::integer: {
        int64_t v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
          out = v;
          return true;
        }
        break;
      }
      case ValueType::number: {
        double v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc() && end == text.data() + text.size() && !text.empty() && std::isfinite(v)) {
          out = v;
          return true;
        }
        break;
      }
    }
  }
  if (!fallback_) return false;
  out = *fallback_;
  return true;
}

}  // namespace sluice::plugins::regex_enrich
