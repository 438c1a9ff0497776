// Per-batch memo of an operation's outputs by distinct input string, so that regexes run once
// per distinct string of a batch (a batch of 4096 events holds a few dozen distinct user
// agents, and far fewer distinct URLs than records).
#pragma once

#include "output.hpp"
#include "string_index.hpp"

#include <sluice/sdk/batch.hpp>

#include <string_view>
#include <vector>

namespace sluice::plugins::regex_enrich {

// `Op` provides width() and evaluate(text, storage, std::vector<Output>& out), which appends
// width() outputs. Lives inside one process() call on one batch; not shared between threads.
// Keys and values are copied into the batch arena, so they stay valid however the records
// change. A field whose strings barely repeat (after kProbe lookups, fewer than one in
// kMinHitsPerTen hits) stops being memoized for the rest of the batch: a memo of unique
// strings only costs key copies.
template <class Op>
class BatchMemo {
 public:
  static constexpr std::size_t kProbe = 256;
  static constexpr std::size_t kMinHitsPerTen = 1;

  BatchMemo(const Op& op, sdk::Batch& batch, std::size_t expected_distinct = 64)
      : op_(op), batch_(batch), index_(expected_distinct) {
    outputs_.reserve(expected_distinct * op.width());
  }

  // The op.width() outputs for `text`, evaluating the op on its first sight. The pointer is
  // valid until the next call.
  const Output* get(std::string_view text) {
    if (!memoizing_) return evaluate_once(text);
    std::size_t h = StringIndex::hash(text);
    uint32_t row = index_.find(text, h);
    if (row != StringIndex::kAbsent) {
      ++hits_;
    } else {
      if (++misses_ + hits_ >= kProbe && hits_ * 10 < (misses_ + hits_) * kMinHitsPerTen) {
        memoizing_ = false;
        return evaluate_once(text);
      }
      row = static_cast<uint32_t>(index_.size());
      op_.evaluate(text, batch_.storage(), outputs_);
      index_.insert(batch_.copy_string(text), h, row);
    }
    return outputs_.data() + static_cast<std::size_t>(row) * op_.width();
  }

 private:
  const Output* evaluate_once(std::string_view text) {
    scratch_.clear();
    op_.evaluate(text, batch_.storage(), scratch_);
    return scratch_.data();
  }

  const Op& op_;
  sdk::Batch& batch_;
  StringIndex index_;
  std::vector<Output> outputs_;  // row r at [r * width, (r + 1) * width)
  std::vector<Output> scratch_;  // the last evaluation, once memoizing stopped
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
  bool memoizing_ = true;
};

}  // namespace sluice::plugins::regex_enrich
