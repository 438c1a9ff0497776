// Counters the runtime keeps per stage and per pipeline; lock-free, read at any time.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace sluice::runtime {

// A latency histogram over microseconds with 32 buckets per power of two (linear within each,
// at most 3.1% wide) from 1 us to about 2^40 us. Recording is wait-free; any thread may record.
class LatencyHistogram {
 public:
  // 32 buckets per power of two: a quantile, reported as its bucket's upper bound, is at most
  // 1/32 (3.1%) above the true value (with 8, a p99 of 4.7 ms read as 5.12 ms).
  static constexpr int kSubBucketBits = 5;
  static constexpr int kSubBuckets = 1 << kSubBucketBits;
  static constexpr int kBuckets = 41 * kSubBuckets;

  void record(uint64_t micros) noexcept;
  uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  // The value (us, upper bound of its bucket) at quantile q in [0, 1]; 0 when empty.
  double quantile(double q) const noexcept;
  double max() const noexcept { return static_cast<double>(max_.load(std::memory_order_relaxed)); }
  // Upper bound (us) of bucket i.
  static double bucket_upper(int i) noexcept;
  uint64_t bucket_count(int i) const noexcept { return buckets_[i].load(std::memory_order_relaxed); }
  // Recorded values known to lie below `micros` (the buckets whose upper bound is <= micros):
  // what a Prometheus histogram bucket `le` holds, within one bucket's resolution.
  uint64_t count_below(double micros) const noexcept;
  // Sum of every recorded value (us).
  uint64_t sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_{0};
  std::atomic<uint64_t> max_{0};
};

// Per-stage counters. Written by the data path (relaxed atomics), read at any time by the
// report, the admin API and the metrics.
struct StageCounters {
  std::atomic<uint64_t> batches{0};
  std::atomic<uint64_t> records_in{0};   // alive records entering the stage
  std::atomic<uint64_t> records_out{0};  // alive records leaving it (emitted ones included)
  std::atomic<uint64_t> dead{0};
  std::atomic<uint64_t> filtered{0};
  std::atomic<uint64_t> absorbed{0};
  std::atomic<uint64_t> emitted{0};
  std::atomic<uint64_t> errors{0};     // batches failed by a throw
  std::atomic<uint64_t> busy_ns{0};    // time spent inside the stage
  std::atomic<int64_t> in_flight{0};   // batches inside the stage right now
  std::atomic<uint64_t> swaps_done{0};
  std::atomic<uint64_t> swaps_failed{0};
  LatencyHistogram call_latency;       // time of one call of the stage on one batch
};

}  // namespace sluice::runtime
