// The json_parse stage: turns each record's raw line into its JSON value.
#pragma once

#include <sluice/plugins/common/short_bytes.hpp>
#include <sluice/sdk.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::json_parse {

// Reentrant: after init() the stage holds only its options, and process() keeps its parser on
// its own stack, so batches may be processed concurrently.
class JsonParseStage final : public sdk::Transform {
 public:
  static constexpr std::int64_t kDefaultMaxDepth = 1024;
  static constexpr std::int64_t kDepthLimit = 100000;

  void init(const sdk::InitContext& ctx) override;
  // Parses every alive record's raw line into its value on the batch arena. Lines that are not
  // one strict JSON value (or not an object, with require_object) are dead-lettered with reason
  // `parse_error`. A record with an empty raw line and a non-null value (filled by its source)
  // is left as it is.
  void process(sdk::Batch& batch) override;

 private:
  std::size_t max_depth_ = kDefaultMaxDepth;
  bool require_object_ = true;
  std::vector<common::BytePattern> skip_contents_;  // top-level members built empty
};

// Copies `line` to `out` with every \\uXXXX escape of an unpaired UTF-16 surrogate replaced by
// \\ufffd; returns whether anything was replaced.
bool replace_lone_surrogates(std::string_view line, std::string& out);

}  // namespace sluice::plugins::json_parse
