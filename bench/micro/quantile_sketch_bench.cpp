// window_aggregate's quantile sketch: inserts, merges and reads, on the sample's latencies.
#include <catch2/catch.hpp>

#include "quantile_sketch.hpp"
#include "reference_input.hpp"

namespace sluice::bench {
namespace {

using plugins::window_aggregate::QuantileSketch;

// The sample's numeric latency_ms values (log-normal, median about 27 ms), in order.
std::vector<double> sample_latencies() {
  std::vector<double> out;
  for (const boost::json::object& o : sample_objects()) {
    const boost::json::value* v = o.if_contains("latency_ms");
    if (v != nullptr && v->is_number()) out.push_back(v->to_number<double>());
  }
  return out;
}

// A sketch that has taken `n` values, cycling through `values`: past its exact phase, with the
// buckets a busy group has.
QuantileSketch filled_sketch(const std::vector<double>& values, std::size_t n) {
  QuantileSketch s;
  for (std::size_t i = 0; i < n; ++i) s.add(values[i % values.size()]);
  return s;
}

TEST_CASE("quantile sketch", "[sketch]") {
  const std::vector<double> latencies = sample_latencies();
  REQUIRE(latencies.size() >= kBatchRecords);
  const std::vector<double> batch(latencies.begin(), latencies.begin() + kBatchRecords);

  BENCHMARK_ADVANCED("sketch insert: 1000 latencies into a sketch of 10000")(Catch::Benchmark::Chronometer meter) {
    std::vector<QuantileSketch> sketches(static_cast<std::size_t>(meter.runs()), filled_sketch(latencies, 10000));
    meter.measure([&](int i) {
      QuantileSketch& s = sketches[static_cast<std::size_t>(i)];
      for (double v : batch) s.add(v);
      return s.count();
    });
  };

  BENCHMARK("sketch insert: 1000 latencies into a new sketch") {
    QuantileSketch s;
    for (double v : batch) s.add(v);
    return s.count();
  };

  const QuantileSketch other = filled_sketch(latencies, 10000);
  BENCHMARK_ADVANCED("sketch merge: two sketches of 10000")(Catch::Benchmark::Chronometer meter) {
    std::vector<QuantileSketch> sketches(static_cast<std::size_t>(meter.runs()), filled_sketch(latencies, 10000));
    meter.measure([&](int i) {
      QuantileSketch& s = sketches[static_cast<std::size_t>(i)];
      s.merge(other);
      return s.count();
    });
  };

  BENCHMARK("sketch quantiles: p50, p95, p99 of a sketch of 10000") {
    return other.quantile(0.50) + other.quantile(0.95) + other.quantile(0.99);
  };
}

}  // namespace
}  // namespace sluice::bench
