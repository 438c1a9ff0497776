// A harness to unit-test a stage without the host: build it from YAML config text, feed it
// batches, inspect values, fates, dead letters and counts. Header-only; needs yaml-cpp.
#pragma once

#include <sluice/sdk.hpp>
#include <sluice/sdk/yaml_config.hpp>

#include <boost/json/parse.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::sdk::testing {

// A stage under test with the config tree it was initialised from.
template <class StageT>
struct StageUnderTest {
  std::unique_ptr<StageT> stage;
  std::string name;
  FieldUse use;  // what the stage declared at init() about the fields it reads
};

// Creates StageT and runs init() with `config_yaml` (a YAML map, may be empty). Resource
// paths resolve against `pipeline_dir`. `wanted`, when given, is what the stages after it read
// (field pruning); null: every field. Throws what init() throws (ConfigError, ...).
template <class StageT>
StageUnderTest<StageT> make_stage(std::string_view config_yaml, std::string name = "stage_under_test",
                                  std::filesystem::path pipeline_dir = {},
                                  SinkRole role = SinkRole::records, uint32_t batch_size = 4096,
                                  const FieldSet* wanted = nullptr) {
  ConfigNode config = parse_yaml_config(std::string(config_yaml), "test.yaml");
  StageUnderTest<StageT> t{std::make_unique<StageT>(), std::move(name), {}};
  InitContext ctx{t.name, config, std::move(pipeline_dir), batch_size, role, false, wanted, &t.use};
  t.stage->init(ctx);
  return t;
}

// A batch whose records hold `lines` as raw text, numbered from first_line; values null.
inline std::unique_ptr<Batch> make_raw_batch(const std::vector<std::string>& lines, uint64_t sequence = 0,
                                             uint64_t first_line = 1) {
  auto batch = std::make_unique<Batch>(sequence);
  std::string& in = batch->input();
  std::size_t total = 0;
  for (const auto& l : lines) total += l.size();
  in.reserve(total);
  std::vector<std::size_t> offsets;
  for (const auto& l : lines) {
    offsets.push_back(in.size());
    in += l;
  }
  for (std::size_t i = 0; i < lines.size(); ++i)
    batch->add_line(std::string_view(in).substr(offsets[i], lines[i].size()), first_line + i);
  return batch;
}

// Like make_raw_batch, and each value is parsed from its line (which must be valid JSON).
inline std::unique_ptr<Batch> make_json_batch(const std::vector<std::string>& lines, uint64_t sequence = 0,
                                              uint64_t first_line = 1) {
  auto batch = make_raw_batch(lines, sequence, first_line);
  for (Record& r : batch->records()) r.value = boost::json::parse(r.raw, batch->storage());
  return batch;
}

// The empty end-of-input batch the host sends last.
inline std::unique_ptr<Batch> make_final_batch(uint64_t sequence) {
  auto batch = std::make_unique<Batch>(sequence);
  batch->set_final(true);
  return batch;
}

// Runs one transform call as the host would (the stage name is set for dead letters).
inline void run(Transform& stage, Batch& batch, std::string_view stage_name = "stage_under_test") {
  batch.set_stage(stage_name);
  stage.process(batch);
}

// Records of a batch with the given fate, in order.
inline std::vector<const Record*> with_fate(const Batch& batch, Fate fate) {
  std::vector<const Record*> out;
  for (const Record& r : batch.records())
    if (r.fate == fate) out.push_back(&r);
  return out;
}

}  // namespace sluice::sdk::testing
