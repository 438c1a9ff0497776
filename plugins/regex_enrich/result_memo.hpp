// Memo of an operation's outputs by distinct input string, kept across batches, so that regexes
// run once per distinct string rather than once per record (user agents repeat across a whole
// stream: a few dozen distinct ones in millions of events).
#pragma once

#include "output.hpp"
#include "string_index.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/storage_ptr.hpp>

#include <cstddef>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace sluice::plugins::regex_enrich {

// `Op` provides width() and evaluate(text, storage, std::vector<Output>& out), which appends
// width() outputs. One thread uses a memo at a time (a stage borrows one per batch from its
// MemoPool). Keys and outputs live in the memo's own arena, so they outlive batches; the memo
// starts afresh after kMaxEntries distinct strings, which bounds its memory (about kMaxEntries
// times the key and output sizes). A field whose strings barely repeat (after kProbe lookups in
// a batch, fewer than one in kMinHitsPerTen hits) is not memoized for the rest of that batch:
// a memo of unique strings only costs key copies.
template <class Op>
class ResultMemo {
 public:
  static constexpr std::size_t kMaxEntries = 4096;
  static constexpr std::size_t kProbe = 256;
  static constexpr std::size_t kMinHitsPerTen = 1;

  explicit ResultMemo(const Op& op) : op_(op) { reset(); }
  ResultMemo(const ResultMemo&) = delete;
  ResultMemo& operator=(const ResultMemo&) = delete;

  // Starts a batch: memoizing is probed again.
  void begin_batch() noexcept {
    hits_ = misses_ = 0;
    memoizing_ = true;
  }

  // The op.width() outputs for `text`, evaluating the op on its first sight. The pointer is
  // valid until the next call; the values are on the memo's storage (copy them into records).
  const Output* get(std::string_view text) {
    if (!memoizing_) return evaluate_once(text);
    const std::size_t h = StringIndex::hash(text);
    uint32_t row = index_.find(text, h);
    if (row != StringIndex::kAbsent) {
      ++hits_;
      return outputs_.data() + static_cast<std::size_t>(row) * op_.width();
    }
    if (++misses_ + hits_ >= kProbe && hits_ * 10 < (misses_ + hits_) * kMinHitsPerTen) {
      memoizing_ = false;
      return evaluate_once(text);
    }
    if (index_.size() >= kMaxEntries) reset();
    row = static_cast<uint32_t>(index_.size());
    const std::size_t before = outputs_.size();
    try {
      op_.evaluate(text, storage_, outputs_);
    } catch (...) {
      outputs_.erase(outputs_.begin() + static_cast<std::ptrdiff_t>(before), outputs_.end());  // rows stay aligned
      throw;
    }
    index_.insert(copy_key(text), h, row);
    return outputs_.data() + static_cast<std::size_t>(row) * op_.width();
  }

 private:
  void reset() {
    outputs_.clear();  // values first: they live in the arena
    scratch_.clear();
    index_ = StringIndex(64);
    storage_ = {};
    arena_ = std::make_unique<boost::json::monotonic_resource>(16 * 1024);
    storage_ = boost::json::storage_ptr(arena_.get());
    outputs_.reserve(64 * op_.width());
  }

  std::string_view copy_key(std::string_view text) {
    if (text.empty()) return {};
    char* p = static_cast<char*>(arena_->allocate(text.size(), 1));
    std::memcpy(p, text.data(), text.size());
    return {p, text.size()};
  }

  const Output* evaluate_once(std::string_view text) {
    scratch_.clear();
    op_.evaluate(text, storage_, scratch_);
    return scratch_.data();
  }

  const Op& op_;
  std::unique_ptr<boost::json::monotonic_resource> arena_;
  boost::json::storage_ptr storage_;
  StringIndex index_;
  std::vector<Output> outputs_;  // row r at [r * width, (r + 1) * width)
  std::vector<Output> scratch_;  // the last evaluation, once memoizing stopped
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
  bool memoizing_ = true;
};

// Memos for concurrent process() calls: each call takes a set, uses it alone, and returns it, so
// there are at most as many sets as batches ever processed at once. Thread-safe.
template <class Set>
class MemoPool {
 public:
  std::unique_ptr<Set> take() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return nullptr;
    std::unique_ptr<Set> set = std::move(free_.back());
    free_.pop_back();
    return set;
  }
  void give_back(std::unique_ptr<Set> set) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(set));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Set>> free_;
};

}  // namespace sluice::plugins::regex_enrich
