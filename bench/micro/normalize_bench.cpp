// normalize: its RFC 3339 parser alone, and the stage with the reference operations.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "reference_input.hpp"
#include "rfc3339.hpp"

namespace sluice::bench {
namespace {

// The `ts` strings of the sample, in order: the generator's mix of forms (milliseconds, none,
// micro- and nanoseconds, offsets) and its few invalid ones.
std::vector<std::string> sample_timestamps() {
  std::vector<std::string> out;
  for (const boost::json::object& o : sample_objects()) {
    const boost::json::value* ts = o.if_contains("ts");
    if (ts != nullptr && ts->is_string()) out.emplace_back(ts->get_string());
    if (out.size() == kBatchRecords) break;
  }
  return out;
}

TEST_CASE("normalize: RFC 3339 parsing", "[normalize][rfc3339]") {
  const std::vector<std::string> timestamps = sample_timestamps();
  REQUIRE(timestamps.size() == kBatchRecords);

  BENCHMARK("parse_rfc3339_ms: 1000 sample timestamps") {
    std::int64_t sum = 0;
    for (const std::string& ts : timestamps) sum += plugins::normalize::parse_rfc3339_ms(ts).value_or(0);
    return sum;
  };

  const std::vector<std::string> canonical(kBatchRecords, "2026-11-26T12:34:56.789Z");
  BENCHMARK("parse_rfc3339_ms: 1000 x \"2026-11-26T12:34:56.789Z\"") {
    std::int64_t sum = 0;
    for (const std::string& ts : canonical) sum += plugins::normalize::parse_rfc3339_ms(ts).value_or(0);
    return sum;
  };
}

TEST_CASE("normalize stage", "[normalize]") {
  BENCHMARK_ADVANCED("normalize: batch of 1000 parsed records")(Catch::Benchmark::Chronometer meter) {
    std::vector<std::unique_ptr<sdk::Batch>> batches;
    for (int i = 0; i < meter.runs(); ++i) batches.push_back(sample_batch(static_cast<std::size_t>(i), Step::parse));
    meter.measure([&](int i) { run_stage(Step::normalize, *batches[static_cast<std::size_t>(i)]); });
  };
}

}  // namespace
}  // namespace sluice::bench
