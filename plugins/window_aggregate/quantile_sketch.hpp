// A mergeable quantile sketch with a relative-error guarantee (the DDSketch construction):
// values fall into logarithmic buckets, so a quantile read back from the sketch is within
// `relative_accuracy` of the exact nearest-rank value, whatever the distribution.
#pragma once

#include "byte_codec.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace sluice::plugins::window_aggregate {

// The 1-based nearest rank ceil(q * count), clamped to [1, count] (0 when count is 0).
// q is taken as a decimal with 9 places and the product is formed in integers, so that
// q = 0.95, count = 20 gives 19 (binary floating point would give 0.95 * 20 > 19 for some q).
uint64_t nearest_rank(double q, uint64_t count) noexcept;

// Counts per bucket index for one sign. Bucket indices near the data live in a dense array
// (O(1) increment); once the dense span would exceed kMaxDenseBuckets it stops growing and
// indices outside it go to an ordered sparse map, so far-apart magnitudes (1e-300 and 1e300)
// cost a few entries, not a huge array.
class BucketStore {
 public:
  static constexpr int64_t kMaxDenseBuckets = 2048;

  void add(int32_t index, uint64_t n = 1) {
    uint64_t pos = static_cast<uint64_t>(static_cast<int64_t>(index) - offset_);
    if (pos < dense_.size()) {
      dense_[pos] += n;
      total_ += n;
    } else {
      add_outside(index, n);
    }
  }
  // Sizes an empty store's dense range to cover [lo, hi] with some slack, so that the
  // values to come rarely make it grow; does nothing otherwise.
  void reserve_range(int32_t lo, int32_t hi);
  uint64_t total() const noexcept { return total_; }
  bool empty() const noexcept { return total_ == 0; }
  // Calls fn(index, count) for every non-empty bucket, ascending (or descending) by index,
  // until fn returns true.
  template <class Fn>
  void for_each_ascending(Fn&& fn) const;
  template <class Fn>
  void for_each_descending(Fn&& fn) const;
  void merge(const BucketStore& other);
  // Heap bytes held for buckets (dense array plus sparse entries, approximately).
  std::size_t memory_bytes() const noexcept;

  void encode(ByteWriter& out) const;
  void decode(ByteReader& in);

 private:
  void add_outside(int32_t index, uint64_t n);

  std::vector<uint64_t> dense_;  // dense_[i] counts bucket offset_ + i
  int64_t offset_ = 0;
  std::map<int32_t, uint64_t> sparse_;  // only indices outside the dense range
  uint64_t total_ = 0;
};

// Count, exact min and max, and the value distribution of a stream of doubles.
// Not thread-safe; copyable and movable. Negative values use a mirrored store, zeros an
// exact counter. The first kExactValues values are kept as they are, so quantiles of
// small streams are exact; the sketch switches to buckets when one more arrives.
class QuantileSketch {
 public:
  static constexpr std::size_t kExactValues = 32;
  static constexpr double kMinRelativeAccuracy = 1e-6;
  static constexpr double kMaxRelativeAccuracy = 0.1;

  // relative_accuracy in [kMinRelativeAccuracy, kMaxRelativeAccuracy]; otherwise
  // std::invalid_argument.
  explicit QuantileSketch(double relative_accuracy = 0.005);

  // Adds one value; NaN and infinities are ignored (they have no bucket).
  void add(double v) {
    if (!std::isfinite(v)) return;
    ++count_;
    if (v < min_) min_ = v;
    if (v > max_) max_ = v;
    if (exact_) {
      if (count_ <= kExactValues) {
        exact_values_[count_ - 1] = v;
        return;
      }
      spill_exact_values(kExactValues);
    }
    add_to_buckets(v, 1);
  }

  // Adds every value of other, as if they had been added to this sketch. Throws
  // std::invalid_argument when the two relative accuracies differ.
  void merge(const QuantileSketch& other);

  uint64_t count() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  // Exact extremes; +inf / -inf while empty.
  double min() const noexcept { return min_; }
  double max() const noexcept { return max_; }
  double relative_accuracy() const noexcept { return relative_accuracy_; }
  // True while the sketch still holds every value exactly.
  bool is_exact() const noexcept { return exact_; }

  // The value at 1-based rank ceil(q * count) of the values sorted ascending, within
  // relative_accuracy() of it (exact while is_exact(), and for the first and last rank). Requires !empty() and 0 < q <= 1;
  // returns NaN otherwise.
  double quantile(double q) const;
  // The value at a 1-based rank in [1, count()]; NaN outside.
  double value_at_rank(uint64_t rank) const;

  // Heap bytes held by the bucket stores (the object itself excluded).
  std::size_t memory_bytes() const noexcept { return positive_.memory_bytes() + negative_.memory_bytes(); }

  void encode(ByteWriter& out) const;
  // Reads what encode() wrote; throws std::runtime_error on malformed input.
  static QuantileSketch decode(ByteReader& in);

 private:
  int32_t bucket_index(double magnitude) const noexcept {
    return static_cast<int32_t>(std::ceil(std::log(magnitude) * index_multiplier_));
  }
  double bucket_value(int32_t index) const noexcept;
  void add_to_buckets(double v, uint64_t n) {
    if (v > 0) {
      positive_.add(bucket_index(v), n);
    } else if (v < 0) {
      negative_.add(bucket_index(-v), n);
    } else {
      zero_count_ += n;
    }
  }
  // Moves the first `stored` exact values into the buckets and leaves exact mode.
  void spill_exact_values(std::size_t stored);

  double relative_accuracy_;
  double log_gamma_;          // log((1 + a) / (1 - a))
  double index_multiplier_;   // 1 / log_gamma_
  double value_log_shift_;    // log(2 / (gamma + 1)): bucket value = gamma^i * 2 / (gamma + 1)
  uint64_t count_ = 0;
  double min_ = INFINITY;
  double max_ = -INFINITY;
  bool exact_ = true;
  std::array<double, kExactValues> exact_values_{};  // the first count_ while exact_
  uint64_t zero_count_ = 0;
  BucketStore positive_;  // bucket of v > 0 is ceil(log_gamma(v))
  BucketStore negative_;  // bucket of v < 0 is ceil(log_gamma(-v))
};

template <class Fn>
void BucketStore::for_each_ascending(Fn&& fn) const {
  auto it = sparse_.begin();
  for (; it != sparse_.end() && it->first < offset_; ++it)
    if (fn(it->first, it->second)) return;
  for (std::size_t i = 0; i < dense_.size(); ++i)
    if (dense_[i] != 0 && fn(static_cast<int32_t>(offset_ + static_cast<int64_t>(i)), dense_[i])) return;
  for (; it != sparse_.end(); ++it)
    if (fn(it->first, it->second)) return;
}

template <class Fn>
void BucketStore::for_each_descending(Fn&& fn) const {
  auto it = sparse_.rbegin();
  const int64_t dense_end = offset_ + static_cast<int64_t>(dense_.size());
  for (; it != sparse_.rend() && it->first >= dense_end; ++it)
    if (fn(it->first, it->second)) return;
  for (std::size_t i = dense_.size(); i-- > 0;)
    if (dense_[i] != 0 && fn(static_cast<int32_t>(offset_ + static_cast<int64_t>(i)), dense_[i])) return;
  for (; it != sparse_.rend(); ++it)
    if (fn(it->first, it->second)) return;
}

}  // namespace sluice::plugins::window_aggregate
