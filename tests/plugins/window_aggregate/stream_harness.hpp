// Test helpers for window_aggregate: configs, record makers, and a feeder that runs a stage
// over a stream of lines in batches of a chosen size and collects rows and dead letters.
#pragma once

#include "window_aggregate.hpp"

#include <sluice/sdk/testing.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace window_aggregate_test {

namespace json = boost::json;
using sluice::plugins::window_aggregate::WindowAggregateStage;
using sluice::sdk::Batch;
using sluice::sdk::Fate;
using sluice::sdk::Record;
using namespace sluice::sdk::testing;

inline constexpr const char* kReferenceConfig = R"(
time_field: timestamp_ms
window_ms: 60000
allowed_lateness_ms: 10000
window_start_field: window_start
group_by: [event_type, region, browser]
metrics:
  - {name: count, op: count}
  - {name: amount_sum, op: sum, field: amount}
  - {name: latency_min, op: min, field: latency_ms}
  - {name: latency_max, op: max, field: latency_ms}
  - {name: latency_avg, op: avg, field: latency_ms}
  - {name: latency_p50, op: quantile, field: latency_ms, q: 0.50}
  - {name: latency_p95, op: quantile, field: latency_ms, q: 0.95}
  - {name: latency_p99, op: quantile, field: latency_ms, q: 0.99}
sketch_relative_accuracy: 0.005
)";

inline constexpr const char* kSmallConfig = R"(
group_by: [event_type, region]
metrics:
  - {name: count, op: count}
  - {name: amount_sum, op: sum, field: amount}
  - {name: latency_min, op: min, field: latency_ms}
  - {name: latency_max, op: max, field: latency_ms}
  - {name: latency_avg, op: avg, field: latency_ms}
  - {name: latency_p50, op: quantile, field: latency_ms, q: 0.5}
  - {name: latency_p95, op: quantile, field: latency_ms, q: 0.95}
  - {name: latency_p99, op: quantile, field: latency_ms, q: 0.99}
)";

inline constexpr const char* kCountConfig = R"(
metrics:
  - {name: count, op: count}
)";

inline std::string event(int64_t ts, std::string_view type = "click", double latency = 1.0) {
  return R"({"timestamp_ms":)" + std::to_string(ts) + R"(,"event_type":")" + std::string(type) +
         R"(","latency_ms":)" + std::to_string(latency) + "}";
}

// Everything a stream produced: emitted rows (serialized, in order) and dead letters.
struct StreamOutput {
  std::vector<std::string> rows;
  std::vector<std::string> dead;  // "line reason: detail"
  uint64_t absorbed = 0;
  uint64_t inputs = 0;
};

// Feeds lines to a stage in batches of a given size, as the host would.
class Feeder {
 public:
  Feeder(WindowAggregateStage& stage, StreamOutput& out) : stage_(&stage), out_(&out) {}

  void feed(const std::vector<std::string>& lines, std::size_t batch_size) {
    for (auto& batch : make_batches(lines, batch_size)) run_batch(*batch);
  }
  // The next batches of the stream, numbered on from the last, without running them.
  std::vector<std::unique_ptr<Batch>> make_batches(const std::vector<std::string>& lines, std::size_t batch_size) {
    std::vector<std::unique_ptr<Batch>> batches;
    for (std::size_t i = 0; i < lines.size(); i += batch_size) {
      std::vector<std::string> part(lines.begin() + static_cast<std::ptrdiff_t>(i),
                                    lines.begin() + static_cast<std::ptrdiff_t>(std::min(lines.size(), i + batch_size)));
      batches.push_back(make_json_batch(part, sequence_++, next_line_));
      next_line_ += part.size();
    }
    return batches;
  }
  void finish() {
    auto batch = make_final_batch(sequence_++);
    run_batch(*batch);
  }
  void set_stage(WindowAggregateStage& stage) { stage_ = &stage; }

  // Runs the stage on `batch` (its process(): prepare() is the caller's) and collects the output.
  void run_batch(Batch& batch) {
    const std::size_t inputs = batch.size();
    run(*stage_, batch, "aggregate");
    out_->inputs += inputs;
    out_->absorbed += batch.counts().absorbed;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Record& r = batch.records()[i];
      if (i >= inputs) {
        REQUIRE(r.alive());
        out_->rows.push_back(json::serialize(r.value));
      } else if (r.fate == Fate::dead) {
        out_->dead.push_back(std::to_string(r.line) + " " + std::string(r.dead->reason) + ": " +
                             std::string(r.dead->detail));
      }
    }
  }

 private:
  WindowAggregateStage* stage_;
  StreamOutput* out_;
  uint64_t sequence_ = 0;
  uint64_t next_line_ = 1;
};

inline StreamOutput run_stream(const char* config, const std::vector<std::string>& lines, std::size_t batch_size) {
  auto t = make_stage<WindowAggregateStage>(config);
  StreamOutput out;
  Feeder feeder(*t.stage, out);
  feeder.feed(lines, batch_size);
  feeder.finish();
  return out;
}

// A deterministic stream like the reference workload's: mostly in order with jitter, some
// late events, missing regions and amounts, a few records without a timestamp.
inline std::vector<std::string> synthetic_stream(std::size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> jitter(-3000, 3000), late(30000, 180000), pick(0, 999);
  std::lognormal_distribution<double> latency(3.5, 0.8);
  const char* types[] = {"page_view", "click", "purchase"};
  const char* regions[] = {"EMEA", "NA", "APAC"};
  const char* browsers[] = {"chrome", "firefox"};
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < n; ++i) {
    int64_t ts = 1764115200000 + static_cast<int64_t>(i) * 20 + jitter(rng);
    if (pick(rng) < 5) ts -= late(rng);
    json::object o;
    if (pick(rng) >= 2) o["timestamp_ms"] = ts;
    o["event_type"] = types[pick(rng) % 3];
    if (pick(rng) >= 30) o["region"] = regions[pick(rng) % 3];
    o["browser"] = browsers[pick(rng) % 2];
    o["latency_ms"] = std::round(latency(rng) * 1000) / 1000;
    if (pick(rng) < 150) o["amount"] = std::round(pick(rng) * 53.7) / 100;
    lines.push_back(json::serialize(o));
  }
  return lines;
}

inline const json::object& row(const StreamOutput& out, std::size_t i, json::value& holder) {
  holder = json::parse(out.rows.at(i));
  return holder.as_object();
}

}  // namespace window_aggregate_test
