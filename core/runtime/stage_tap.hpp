// A live sample of the records leaving one stage (`sluice tap`). Free while nobody taps: the
// data path loads one atomic flag per batch; only while a sample is being taken does it copy
// records, serialised, into a bounded buffer.
#pragma once

#include <sluice/sdk/batch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace sluice::runtime {

class StageTap {
 public:
  // The most records one sample may ask for.
  static constexpr std::size_t kMaxRecords = 10000;

  // Checked by the data path once per batch; any thread.
  bool active() const noexcept { return active_.load(std::memory_order_relaxed); }

  // Copies records leaving the stage into the sample until it holds what was asked: alive
  // records as their JSON value (their raw line while still unparsed), or, with
  // dead_letters, the dead records as {line, stage, reason, detail}. Any thread; never throws.
  void offer(const sdk::Batch& batch, bool dead_letters) noexcept;

  // Takes a sample of up to `limit` records (one sample at a time per stage: a second caller
  // waits for the first). Returns when the sample is full, when `timeout` has passed, or when
  // `stopped()` turns true after a wake(); each string is one serialised record.
  std::vector<std::string> sample(std::size_t limit, std::chrono::milliseconds timeout,
                                  const std::function<bool()>& stopped);

  // Wakes a waiting sample so that it re-checks its stop condition (the end of the run).
  void wake();

 private:
  std::atomic<bool> active_{false};
  std::mutex sampling_;  // one sample at a time
  std::mutex mutex_;     // guards what follows
  std::condition_variable changed_;
  std::size_t limit_ = 0;
  std::vector<std::string> records_;
};

}  // namespace sluice::runtime
