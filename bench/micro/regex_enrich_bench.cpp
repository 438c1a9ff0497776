// regex_enrich: the reference user-agent rules (RE2), URL extraction, region lookup and bot
// filter on validated records.
#include <catch2/catch.hpp>

#include "reference_input.hpp"

namespace sluice::bench {
namespace {

TEST_CASE("regex_enrich stage", "[enrich]") {
  BENCHMARK_ADVANCED("regex_enrich: batch of 1000 validated records")(Catch::Benchmark::Chronometer meter) {
    std::vector<std::unique_ptr<sdk::Batch>> batches;
    for (int i = 0; i < meter.runs(); ++i) batches.push_back(sample_batch(static_cast<std::size_t>(i), Step::validate));
    meter.measure([&](int i) { run_stage(Step::enrich, *batches[static_cast<std::size_t>(i)]); });
  };
}

}  // namespace
}  // namespace sluice::bench
