// The pipeline file as data: what `sluice` reads from YAML before it loads any plugin.
#pragma once

#include "config/env_interpolation.hpp"

#include <sluice/sdk/config.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sluice::config {

// What happens to a batch whose stage throws.
enum class OnError {
  dead_letter,  // its alive records go to the dead letter with reason stage_error
  fail,         // the same, then the pipeline stops cleanly (exit code 3)
};

// One stage as written in the pipeline (source, transform, sink or dead-letter sink).
struct StageSpec {
  std::string name;
  std::string plugin;
  std::string version_requirement;  // after '@' in `plugin:`; empty = any version
  sdk::ConfigNode config;           // the `config:` map (null when absent)
  std::optional<uint32_t> concurrency;
  OnError on_error = OnError::dead_letter;
  sdk::Mark mark;         // the stage's map
  sdk::Mark plugin_mark;  // the `plugin:` value
};

struct PipelineSpec {
  std::string name;
  std::filesystem::path file;  // the pipeline file as given
  StageSpec source;
  std::vector<StageSpec> stages;
  StageSpec sink;
  std::optional<StageSpec> dead_letter;
  uint32_t batch_size = 512;  // small enough that a batch stays in cache from stage to stage
  uint32_t max_in_flight = 0;  // 0: twice the worker threads, plus 2
  // Tell each stage which fields the stages after it read, so that it may skip the others.
  bool prune_fields = true;
  // Directory of the pipeline file (resource paths resolve against it).
  std::filesystem::path directory() const { return file.parent_path(); }
};

// Reads and checks a pipeline file. Every error is an sdk::ConfigError carrying
// file:line:col and, for unknown names, a "did you mean" hint.
PipelineSpec load_pipeline(const std::filesystem::path& file, const EnvLookup& env = process_environment());
PipelineSpec parse_pipeline(const std::string& text, const std::filesystem::path& file,
                            const EnvLookup& env = process_environment());

}  // namespace sluice::config
