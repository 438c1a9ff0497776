// The regex_enrich transform: classify (ordered rule lists), extract (capture groups), lookup
// (CSV tables) and filter, applied to every alive record in that order.
#pragma once

#include "classify.hpp"
#include "extract.hpp"
#include "lookup.hpp"
#include "record_filter.hpp"
#include "result_memo.hpp"

#include <sluice/sdk.hpp>

#include <memory>
#include <string_view>
#include <vector>

namespace sluice::plugins::regex_enrich {

// The dead-letter reason for a record the stage cannot enrich: its value is not an object, or
// a target path runs through a field that is not an object.
inline constexpr std::string_view kEnrichError = "enrich_error";

// Reentrant: after init() the operations are read-only; each process() call borrows a set of
// result memos (by distinct input string, kept across batches) from a pool that no two calls
// share at once.
class RegexEnrichStage final : public sdk::Transform {
 public:
  void init(const sdk::InitContext& ctx) override;
  void process(sdk::Batch& batch) override;

 private:
  std::vector<ClassifyGroup> classify_;
  std::vector<ExtractOp> extract_;
  std::vector<LookupOp> lookup_;
  std::vector<FilterCondition> filter_;
  std::size_t output_count_ = 0;  // fields written per record at most
  std::size_t hint_slots_ = 0;    // keys in the paths read (FieldPath::number_keys)

  // One memo per classify group and extract op, for one process() call at a time.
  struct Memos {
    std::vector<std::unique_ptr<ResultMemo<ClassifyGroup>>> classify;
    std::vector<std::unique_ptr<ResultMemo<ExtractOp>>> extract;
    std::vector<std::size_t> hints;  // hint_slots_ of them, kept across batches
  };
  std::unique_ptr<Memos> take_memos();
  MemoPool<Memos> memos_;
};

}  // namespace sluice::plugins::regex_enrich
