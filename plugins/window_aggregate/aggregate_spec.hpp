// The validated configuration of a window_aggregate stage: what to group by, which numeric
// fields to accumulate, and which metrics to write per group.
#pragma once

#include <sluice/sdk/config.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sluice::plugins::window_aggregate {

// A field of a record: a dotted path through objects ("latency_ms", "user.country"), or a
// JSON Pointer when the text starts with '/' ("/user/country", "/tags/0"), which can also
// index arrays and name keys holding dots. tokens are the unescaped steps from the root.
struct FieldPath {
  std::string text;
  std::vector<std::string> tokens;
  bool pointer = false;
};

// One group-by key: where it is read and the name it gets in the output row.
struct GroupKeySpec {
  FieldPath field;
  std::string output_name;
};

// A numeric field some metrics read. Every metric over one field shares its accumulators.
struct ValueFieldSpec {
  FieldPath field;
  int sketch_slot = -1;  // index among the fields that need a quantile sketch, or -1
};

enum class MetricOp { count, sum, min, max, avg, quantile };

struct MetricSpec {
  std::string name;
  MetricOp op = MetricOp::count;
  int value_field = -1;  // index into AggregateSpec::value_fields; -1 for a record count
  double q = 0;          // for quantile: in (0, 1]
};

struct AggregateSpec {
  FieldPath time_field;
  int64_t window_ms = 60000;
  int64_t allowed_lateness_ms = 10000;
  std::string window_start_field = "window_start";
  std::vector<GroupKeySpec> group_by;
  std::vector<ValueFieldSpec> value_fields;
  std::vector<MetricSpec> metrics;
  double sketch_relative_accuracy = 0.005;
  int sketch_count = 0;  // fields with a sketch

  // Identifies everything the saved state depends on (window length, key fields, value
  // fields and their sketches, sketch accuracy): a state is restored only into a stage whose
  // signature is equal.
  std::string state_signature() const;
};

// Limits that keep window arithmetic within int64 for every accepted timestamp.
inline constexpr int64_t kMaxWindowMs = int64_t{1} << 40;       // about 34 years
inline constexpr int64_t kMaxTimestampMagnitude = int64_t{1} << 62;

// Reads and validates the stage's `config:` map. Throws sdk::ConfigError at the offending
// node for every problem (unknown option, bad type, duplicate output name, ...).
AggregateSpec parse_aggregate_spec(const sdk::ConfigNode& config);

// Parses a field reference: text starting with '/' is a JSON Pointer (RFC 6901, "~1" for
// '/', "~0" for '~'); other text is a dotted path whose every '.' separates two keys.
// Throws sdk::ConfigError at node (an empty dotted segment, a bad '~' escape).
FieldPath parse_field_path(const std::string& text, const sdk::ConfigNode& node);

}  // namespace sluice::plugins::window_aggregate
