// The microbenchmarks' input: the checked-in sample of generated events, cut into batches and
// taken through the stages of pipelines/reference.yaml, configured exactly as that file
// configures them (read at run time, so the benchmarks follow the pipeline).
#pragma once

#include <cstddef>
#include <memory>
#include <sluice/sdk.hpp>
#include <string>
#include <vector>

namespace sluice::bench {

// Records per benchmarked batch: a benchmark that processes one batch per iteration reports
// a mean in microseconds that reads directly as nanoseconds per record.
inline constexpr std::size_t kBatchRecords = 1000;

// The reference pipeline's transforms, in pipeline order.
enum class Step { raw, parse, normalize, validate, enrich };

// The non-blank lines of bench/micro/sample_events.ndjson (without '\r'), read once; at least
// 2 * kBatchRecords. Throws std::runtime_error when the file is missing or too short.
const std::vector<std::string>& sample_lines();

// The sample as JSON values (lines that are not JSON objects left out), parsed once.
const std::vector<boost::json::object>& sample_objects();

// The transform of the reference pipeline for `step` (not Step::raw), initialised once from
// pipelines/reference.yaml with its resources. Reentrant, like the stages themselves; lives
// until the program exits.
sdk::Transform& reference_stage(Step step);

// The index-th batch of kBatchRecords sample records (wrapping around the sample), taken through
// the reference stages up to and including `through`: what the pipeline hands the next stage.
// Caller owns it.
std::unique_ptr<sdk::Batch> sample_batch(std::size_t index, Step through);

// Runs one reference stage on a batch as the host would (stage name set for dead letters).
void run_stage(Step step, sdk::Batch& batch);

}  // namespace sluice::bench
