// schema_validate: the compiled pipelines/event.schema.json on parsed, normalized records.
#include <catch2/catch.hpp>

#include "reference_input.hpp"

namespace sluice::bench {
namespace {

TEST_CASE("schema_validate stage", "[schema]") {
  BENCHMARK_ADVANCED("schema_validate: batch of 1000 normalized records")(Catch::Benchmark::Chronometer meter) {
    std::vector<std::unique_ptr<sdk::Batch>> batches;
    for (int i = 0; i < meter.runs(); ++i)
      batches.push_back(sample_batch(static_cast<std::size_t>(i), Step::normalize));
    meter.measure([&](int i) { run_stage(Step::validate, *batches[static_cast<std::size_t>(i)]); });
  };
}

}  // namespace
}  // namespace sluice::bench
