#include "aggregate_spec.hpp"

#include "quantile_sketch.hpp"

#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <set>
#include <string_view>

namespace sluice::plugins::window_aggregate {
namespace {

using sdk::ConfigNode;

void reject_unknown_keys(const ConfigNode& map, std::initializer_list<std::string_view> known,
                         std::string_view where) {
  for (const ConfigNode::Entry& e : map.entries()) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || e.key == k;
    if (!ok) {
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      throw sdk::ConfigError(e.key_mark, "unknown " + std::string(where) + " '" + e.key + "'",
                             "expected one of: " + list);
    }
  }
}

std::string non_empty_string(const ConfigNode& node, std::string_view what) {
  std::string s = node.as_string();
  if (s.empty()) node.fail(std::string(what) + " must not be empty");
  return s;
}

MetricOp parse_op(const ConfigNode& node) {
  const std::string op = node.as_string();
  if (op == "count") return MetricOp::count;
  if (op == "sum") return MetricOp::sum;
  if (op == "min") return MetricOp::min;
  if (op == "max") return MetricOp::max;
  if (op == "avg") return MetricOp::avg;
  if (op == "quantile") return MetricOp::quantile;
  node.fail("unknown metric op '" + op + "'", "expected count, sum, min, max, avg or quantile");
}

// Output names must be unique within a row: the window start, the keys and the metrics.
class OutputNames {
 public:
  void claim(const std::string& name, const ConfigNode& node) {
    if (!names_.insert(name).second)
      node.fail("output field '" + name + "' is used twice",
                "window_start_field, group-by names and metric names share one row");
  }

 private:
  std::set<std::string> names_;
};

GroupKeySpec parse_group_key(const ConfigNode& item) {
  GroupKeySpec key;
  if (item.is_map()) {
    reject_unknown_keys(item, {"field", "as"}, "group_by key");
    const ConfigNode& field = item.at("field");
    key.field = parse_field_path(non_empty_string(field, "field"), field);
    if (const ConfigNode* as = item.find("as"); as && !as->is_null())
      key.output_name = non_empty_string(*as, "as");
  } else {
    key.field = parse_field_path(non_empty_string(item, "a group_by field"), item);
  }
  if (key.output_name.empty()) {
    if (key.field.tokens.empty() || key.field.tokens.back().empty())
      item.fail("cannot name the output field of '" + key.field.text + "'", "give it a name with {field: ..., as: ...}");
    key.output_name = key.field.tokens.back();
  }
  return key;
}

int value_field_index(AggregateSpec& spec, const FieldPath& path) {
  for (std::size_t i = 0; i < spec.value_fields.size(); ++i)
    if (spec.value_fields[i].field.tokens == path.tokens && spec.value_fields[i].field.pointer == path.pointer)
      return static_cast<int>(i);
  spec.value_fields.push_back(ValueFieldSpec{path, -1});
  return static_cast<int>(spec.value_fields.size() - 1);
}

MetricSpec parse_metric(const ConfigNode& item, AggregateSpec& spec) {
  if (!item.is_map()) item.fail("a metric must be a map like {name: count, op: count}");
  reject_unknown_keys(item, {"name", "op", "field", "q"}, "metric key");
  MetricSpec m;
  m.name = non_empty_string(item.at("name"), "name");
  const ConfigNode& op_node = item.at("op");
  m.op = parse_op(op_node);

  const ConfigNode* field = item.find("field");
  if (field && field->is_null()) field = nullptr;
  if (field) {
    m.value_field = value_field_index(spec, parse_field_path(non_empty_string(*field, "field"), *field));
  } else if (m.op != MetricOp::count) {
    item.fail("metric '" + m.name + "' needs a field", "add field: <numeric field>");
  }

  const ConfigNode* q = item.find("q");
  if (q && q->is_null()) q = nullptr;
  if (m.op == MetricOp::quantile) {
    if (!q) item.fail("quantile metric '" + m.name + "' needs q", "add q: 0.95 (a number in (0, 1])");
    m.q = q->as_double();
    if (!(m.q > 0 && m.q <= 1)) q->fail("q must be in (0, 1], found " + q->raw_scalar());
    ValueFieldSpec& vf = spec.value_fields[static_cast<std::size_t>(m.value_field)];
    if (vf.sketch_slot < 0) vf.sketch_slot = spec.sketch_count++;
  } else if (q) {
    q->fail("q applies only to op: quantile");
  }
  return m;
}

}  // namespace

FieldPath parse_field_path(const std::string& text, const ConfigNode& node) {
  FieldPath path{text, {}, false};
  if (text.empty() || text[0] != '/') {
    std::size_t begin = 0;
    while (true) {
      const std::size_t dot = text.find('.', begin);
      std::string token = text.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
      if (token.empty())
        node.fail("empty key in field path '" + text + "'",
                  "a dotted path names keys like user.country; use a JSON Pointer (/a.b) for keys with dots");
      path.tokens.push_back(std::move(token));
      if (dot == std::string::npos) return path;
      begin = dot + 1;
    }
  }
  path.pointer = true;
  std::string token;
  for (std::size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '/') {
      path.tokens.push_back(std::move(token));
      token.clear();
    } else if (text[i] == '~') {
      if (i + 1 < text.size() && (text[i + 1] == '0' || text[i + 1] == '1')) {
        token += text[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        node.fail("invalid JSON Pointer '" + text + "'", "'~' must be followed by 0 or 1");
      }
    } else {
      token += text[i];
    }
  }
  return path;
}

AggregateSpec parse_aggregate_spec(const ConfigNode& config) {
  if (!config.is_map()) config.fail("window_aggregate needs a config map with at least `metrics`");
  reject_unknown_keys(config,
                      {"time_field", "window_ms", "allowed_lateness_ms", "window_start_field", "group_by",
                       "metrics", "sketch_relative_accuracy"},
                      "window_aggregate option");

  AggregateSpec spec;
  OutputNames names;

  const ConfigNode* time_field = config.find("time_field");
  if (time_field && !time_field->is_null())
    spec.time_field = parse_field_path(non_empty_string(*time_field, "time_field"), *time_field);
  else
    spec.time_field = FieldPath{"timestamp_ms", {"timestamp_ms"}, false};

  if (const ConfigNode* n = config.find("window_ms"); n && !n->is_null()) {
    spec.window_ms = n->as_int();
    if (spec.window_ms < 1 || spec.window_ms > kMaxWindowMs)
      n->fail("window_ms must be between 1 and 2^40, found " + n->raw_scalar());
  }
  if (const ConfigNode* n = config.find("allowed_lateness_ms"); n && !n->is_null()) {
    spec.allowed_lateness_ms = n->as_int();
    if (spec.allowed_lateness_ms < 0 || spec.allowed_lateness_ms > kMaxWindowMs)
      n->fail("allowed_lateness_ms must be between 0 and 2^40, found " + n->raw_scalar());
  }
  const ConfigNode* start_field = config.find("window_start_field");
  if (start_field && !start_field->is_null())
    spec.window_start_field = non_empty_string(*start_field, "window_start_field");
  names.claim(spec.window_start_field, start_field ? *start_field : config);

  if (const ConfigNode* n = config.find("sketch_relative_accuracy"); n && !n->is_null()) {
    spec.sketch_relative_accuracy = n->as_double();
    if (!(spec.sketch_relative_accuracy >= QuantileSketch::kMinRelativeAccuracy &&
          spec.sketch_relative_accuracy <= QuantileSketch::kMaxRelativeAccuracy))
      n->fail("sketch_relative_accuracy must be between 1e-6 and 0.1, found " + n->raw_scalar(),
              "0.005 keeps quantiles within 1%");
  }

  if (const ConfigNode* n = config.find("group_by"); n && !n->is_null()) {
    for (const ConfigNode& item : n->items()) {
      spec.group_by.push_back(parse_group_key(item));
      names.claim(spec.group_by.back().output_name, item);
    }
  }

  const ConfigNode& metrics = config.at("metrics");
  if (metrics.items().empty()) metrics.fail("metrics must list at least one metric");
  for (const ConfigNode& item : metrics.items()) {
    spec.metrics.push_back(parse_metric(item, spec));
    names.claim(spec.metrics.back().name, item.at("name"));
  }
  return spec;
}

std::string AggregateSpec::state_signature() const {
  // Each token is length-prefixed, so no key text can make two fields look alike.
  auto path_text = [](const FieldPath& p) {
    std::string s = p.pointer ? "pointer(" : "path(";
    for (const std::string& t : p.tokens) {
      s += std::to_string(t.size());
      s += ':';
      s += t;
    }
    s += ')';
    return s;
  };
  std::string s = "window_ms=" + std::to_string(window_ms) + ";accuracy=";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", sketch_relative_accuracy);
  s += buf;
  s += ";keys=";
  for (const GroupKeySpec& k : group_by) {
    s += path_text(k.field);
    s += ',';
  }
  s += ";values=";
  for (const ValueFieldSpec& v : value_fields) {
    s += path_text(v.field);
    if (v.sketch_slot >= 0) {
      s += '#';
      s += std::to_string(v.sketch_slot);
    }
    s += ',';
  }
  return s;
}

}  // namespace sluice::plugins::window_aggregate
