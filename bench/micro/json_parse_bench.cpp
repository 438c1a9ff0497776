// json_parse: strict RFC 8259 parsing of raw NDJSON lines into the batch arena.
#include <catch2/catch.hpp>

#include "reference_input.hpp"

namespace sluice::bench {
namespace {

TEST_CASE("json_parse stage", "[parse]") {
  // Fresh raw batches each run: parsing fills their values and arenas, as in the pipeline
  // (page faults of a new arena included).
  BENCHMARK_ADVANCED("json_parse: batch of 1000 sample lines")(Catch::Benchmark::Chronometer meter) {
    std::vector<std::unique_ptr<sdk::Batch>> batches;
    for (int i = 0; i < meter.runs(); ++i) batches.push_back(sample_batch(static_cast<std::size_t>(i), Step::raw));
    meter.measure([&](int i) { run_stage(Step::parse, *batches[static_cast<std::size_t>(i)]); });
  };
}

}  // namespace
}  // namespace sluice::bench
