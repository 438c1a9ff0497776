#include "record_filter.hpp"

#include "config_keys.hpp"
#include "rule_list.hpp"

#include <boost/json/string.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace sluice::plugins::regex_enrich {

namespace json = boost::json;

namespace {

// A YAML scalar as the JSON value it reads as: null is null; quoted text is a string; plain text
// is a boolean, an integer or a finite number where it reads as one, a string otherwise.
json::value scalar_value(const sdk::ConfigNode& node) {
  if (node.is_null()) return nullptr;
  if (!node.is_scalar()) node.fail("expected a scalar to compare with, found " + node.type_name());
  if (!node.is_quoted()) {
    if (node.is_bool()) return node.as_bool();
    if (node.is_int()) return node.as_int();
    if (node.is_number() && std::isfinite(node.as_double())) return node.as_double();
  }
  return json::string(node.raw_scalar());
}

bool same_value(const json::value& a, const json::value& b) noexcept {
  if (a.is_number() && b.is_number()) {
    if (a.is_double() || b.is_double()) return a.to_number<double>() == b.to_number<double>();
    return a == b;
  }
  return a == b;
}

}  // namespace

FilterCondition FilterCondition::parse(const sdk::ConfigNode& node) {
  require_keys_known(node, "a filter entry", {"field", "equals", "in", "matches"});
  FilterCondition c;
  c.field_ = FieldPath::parse(require_key(node, "field", "a filter entry"));
  const sdk::ConfigNode* equals = node.find("equals");
  const sdk::ConfigNode* in = node.find("in");
  const sdk::ConfigNode* matches = node.find("matches");
  int given = (equals != nullptr) + (in != nullptr) + (matches != nullptr);
  if (given != 1) node.fail("a filter entry needs exactly one of 'equals', 'in' or 'matches'");
  if (equals != nullptr) c.values_.push_back(scalar_value(*equals));
  if (in != nullptr) {
    for (const sdk::ConfigNode& v : in->items()) c.values_.push_back(scalar_value(v));
    if (c.values_.empty()) in->fail("'in' needs at least one value");
  }
  if (matches != nullptr) c.regex_ = RuleList::compile(matches->as_string(), *matches);
  return c;
}

bool FilterCondition::holds(const json::object& record, KeyHints hints) const noexcept {
  const json::value* v = field_.find(record, hints);
  if (v == nullptr) return false;
  if (regex_) {
    if (!v->is_string()) return false;
    const json::string& s = v->get_string();
    return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *regex_);
  }
  return std::any_of(values_.begin(), values_.end(), [&](const json::value& x) { return same_value(*v, x); });
}

}  // namespace sluice::plugins::regex_enrich
