#include "runtime/stage_counters.hpp"

#include <bit>
#include <cmath>

namespace sluice::runtime {

namespace {
int bucket_of(uint64_t micros) noexcept {
  if (micros < 1) micros = 1;
  int exponent = 63 - std::countl_zero(micros);  // floor(log2)
  // Sub-bucket from the bits below the leading one.
  constexpr int bits = LatencyHistogram::kSubBucketBits;
  constexpr uint64_t mask = LatencyHistogram::kSubBuckets - 1;
  int sub = exponent >= bits ? static_cast<int>((micros >> (exponent - bits)) & mask)
                             : static_cast<int>((micros << (bits - exponent)) & mask);
  int index = exponent * LatencyHistogram::kSubBuckets + sub;
  return index < LatencyHistogram::kBuckets ? index : LatencyHistogram::kBuckets - 1;
}
}  // namespace

void LatencyHistogram::record(uint64_t micros) noexcept {
  buckets_[bucket_of(micros)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(micros, std::memory_order_relaxed);
  uint64_t seen = max_.load(std::memory_order_relaxed);
  while (micros > seen && !max_.compare_exchange_weak(seen, micros, std::memory_order_relaxed)) {
  }
}

double LatencyHistogram::bucket_upper(int i) noexcept {
  int exponent = i / kSubBuckets;
  int sub = i % kSubBuckets;
  return std::ldexp(1.0 + (sub + 1) / static_cast<double>(kSubBuckets), exponent);
}

uint64_t LatencyHistogram::count_below(double micros) const noexcept {
  uint64_t n = 0;
  for (int i = 0; i < kBuckets && bucket_upper(i) <= micros; ++i) n += bucket_count(i);
  return n;
}

double LatencyHistogram::quantile(double q) const noexcept {
  uint64_t total = count();
  if (total == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(total)));
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += bucket_count(i);
    if (seen >= rank) return std::min(bucket_upper(i), max());
  }
  return max();
}

}  // namespace sluice::runtime
