#include "quantile_sketch.hpp"

#include <algorithm>
#include <climits>
#include <limits>
#include <stdexcept>
#include <string>

namespace sluice::plugins::window_aggregate {

uint64_t nearest_rank(double q, uint64_t count) noexcept {
  if (count == 0) return 0;
  if (!(q > 0)) return 1;
  if (q >= 1) return count;
  constexpr uint64_t kScale = 1'000'000'000;
  const auto q_scaled = static_cast<uint64_t>(std::llround(q * static_cast<double>(kScale)));
  const unsigned __int128 product = static_cast<unsigned __int128>(q_scaled) * count;
  const auto rank = static_cast<uint64_t>((product + (kScale - 1)) / kScale);
  return std::clamp<uint64_t>(rank, 1, count);
}

// --- BucketStore ---

void BucketStore::add_outside(int32_t index, uint64_t n) {
  constexpr int64_t kInitialBuckets = 64;
  const int64_t i = index;
  if (dense_.empty()) {
    offset_ = i - kInitialBuckets / 2;
    dense_.assign(kInitialBuckets, 0);
  } else if (sparse_.empty()) {
    // Grow the dense range towards index, with slack so growth is amortised, as long as
    // the whole range still fits kMaxDenseBuckets. Once it does not, the range freezes and
    // the sparse map takes every index outside it (so the two never overlap).
    const int64_t lo = offset_;
    const int64_t hi = offset_ + static_cast<int64_t>(dense_.size()) - 1;
    const int64_t need_lo = std::min(lo, i);
    const int64_t need_hi = std::max(hi, i);
    if (need_hi - need_lo + 1 <= kMaxDenseBuckets) {
      const int64_t slack = std::max<int64_t>(64, static_cast<int64_t>(dense_.size()));
      int64_t new_lo = i < lo ? need_lo - slack : lo;
      int64_t new_hi = i > hi ? need_hi + slack : hi;
      if (new_hi - new_lo + 1 > kMaxDenseBuckets) {
        if (i < lo)
          new_lo = new_hi - kMaxDenseBuckets + 1;
        else
          new_hi = new_lo + kMaxDenseBuckets - 1;
      }
      std::vector<uint64_t> grown(static_cast<std::size_t>(new_hi - new_lo + 1), 0);
      std::copy(dense_.begin(), dense_.end(), grown.begin() + (lo - new_lo));
      dense_ = std::move(grown);
      offset_ = new_lo;
    }
  }
  const uint64_t pos = static_cast<uint64_t>(i - offset_);
  if (pos < dense_.size())
    dense_[pos] += n;
  else
    sparse_[index] += n;
  total_ += n;
}

void BucketStore::reserve_range(int32_t lo, int32_t hi) {
  if (!dense_.empty() || lo > hi) return;
  const int64_t span = static_cast<int64_t>(hi) - lo + 1;
  const int64_t slack = std::min(std::max<int64_t>(32, span / 2), (kMaxDenseBuckets - span) / 2);
  if (slack < 0) return;
  offset_ = lo - slack;
  dense_.assign(static_cast<std::size_t>(span + 2 * slack), 0);
}

void BucketStore::merge(const BucketStore& other) {
  other.for_each_ascending([this](int32_t index, uint64_t n) {
    add(index, n);
    return false;
  });
}

std::size_t BucketStore::memory_bytes() const noexcept {
  // A std::map node holds the pair plus three pointers and a colour, rounded up.
  constexpr std::size_t kMapNodeBytes = 48;
  return dense_.capacity() * sizeof(uint64_t) + sparse_.size() * kMapNodeBytes;
}

void BucketStore::encode(ByteWriter& out) const {
  uint32_t buckets = 0;
  for_each_ascending([&](int32_t, uint64_t) {
    ++buckets;
    return false;
  });
  out.u32(buckets);
  for_each_ascending([&](int32_t index, uint64_t n) {
    out.i32(index);
    out.u64(n);
    return false;
  });
}

void BucketStore::decode(ByteReader& in) {
  *this = BucketStore();
  const uint32_t buckets = in.u32();
  in.expect_items(buckets, sizeof(int32_t) + sizeof(uint64_t));
  for (uint32_t b = 0; b < buckets; ++b) {
    const int32_t index = in.i32();
    const uint64_t n = in.u64();
    if (n == 0) throw std::runtime_error("window_aggregate state: empty sketch bucket");
    add(index, n);
  }
}

// --- QuantileSketch ---

QuantileSketch::QuantileSketch(double relative_accuracy) : relative_accuracy_(relative_accuracy) {
  if (!(relative_accuracy >= kMinRelativeAccuracy && relative_accuracy <= kMaxRelativeAccuracy))
    throw std::invalid_argument("sketch relative accuracy must be between 1e-6 and 0.1, got " +
                                std::to_string(relative_accuracy));
  // gamma = (1 + a) / (1 - a) = 1 + 2a / (1 - a); log1p keeps the precision for small a.
  const double gamma_minus_one = 2 * relative_accuracy / (1 - relative_accuracy);
  log_gamma_ = std::log1p(gamma_minus_one);
  index_multiplier_ = 1 / log_gamma_;
  value_log_shift_ = std::log(2 / (2 + gamma_minus_one));
}

double QuantileSketch::bucket_value(int32_t index) const noexcept {
  // 2 * gamma^i / (gamma + 1): within relative_accuracy of every value of (gamma^(i-1), gamma^i].
  return std::exp(static_cast<double>(index) * log_gamma_ + value_log_shift_);
}

void QuantileSketch::spill_exact_values(std::size_t stored) {
  exact_ = false;
  // The exact values show where the distribution lies: size the dense ranges once for them.
  int32_t pos_lo = INT32_MAX, pos_hi = INT32_MIN, neg_lo = INT32_MAX, neg_hi = INT32_MIN;
  for (std::size_t k = 0; k < stored; ++k) {
    const double v = exact_values_[k];
    if (v > 0) {
      const int32_t i = bucket_index(v);
      pos_lo = std::min(pos_lo, i);
      pos_hi = std::max(pos_hi, i);
    } else if (v < 0) {
      const int32_t i = bucket_index(-v);
      neg_lo = std::min(neg_lo, i);
      neg_hi = std::max(neg_hi, i);
    }
  }
  positive_.reserve_range(pos_lo, pos_hi);
  negative_.reserve_range(neg_lo, neg_hi);
  for (std::size_t k = 0; k < stored; ++k) add_to_buckets(exact_values_[k], 1);
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (other.relative_accuracy_ != relative_accuracy_)
    throw std::invalid_argument("cannot merge quantile sketches of different relative accuracy");
  if (other.count_ == 0) return;
  if (exact_ && other.exact_ && count_ + other.count_ <= kExactValues) {
    std::copy_n(other.exact_values_.begin(), other.count_, exact_values_.begin() + count_);
  } else {
    if (exact_) spill_exact_values(count_);
    if (other.exact_) {
      for (std::size_t k = 0; k < other.count_; ++k) add_to_buckets(other.exact_values_[k], 1);
    } else {
      positive_.merge(other.positive_);
      negative_.merge(other.negative_);
      zero_count_ += other.zero_count_;
    }
  }
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

double QuantileSketch::quantile(double q) const {
  if (count_ == 0 || !(q > 0 && q <= 1)) return std::numeric_limits<double>::quiet_NaN();
  return value_at_rank(nearest_rank(q, count_));
}

double QuantileSketch::value_at_rank(uint64_t rank) const {
  if (rank < 1 || rank > count_) return std::numeric_limits<double>::quiet_NaN();
  // The extremes are known exactly.
  if (rank == 1) return min_;
  if (rank == count_) return max_;
  if (exact_) {
    std::array<double, kExactValues> sorted = exact_values_;
    auto nth = sorted.begin() + static_cast<std::ptrdiff_t>(rank - 1);
    std::nth_element(sorted.begin(), nth, sorted.begin() + static_cast<std::ptrdiff_t>(count_));
    return *nth;
  }
  // Ascending value order: negatives from the largest magnitude down, zeros, positives up.
  uint64_t seen = 0;
  double value = 0;
  bool found = false;
  negative_.for_each_descending([&](int32_t index, uint64_t n) {
    seen += n;
    if (seen < rank) return false;
    value = -bucket_value(index);
    return found = true;
  });
  if (!found) {
    seen += zero_count_;
    found = seen >= rank;  // value stays 0
  }
  if (!found) {
    positive_.for_each_ascending([&](int32_t index, uint64_t n) {
      seen += n;
      if (seen < rank) return false;
      value = bucket_value(index);
      return found = true;
    });
  }
  // The exact extremes bound every value; clamping also absorbs exp() overflow or
  // underflow at the ends of the double range.
  return std::clamp(value, min_, max_);
}

void QuantileSketch::encode(ByteWriter& out) const {
  out.f64(relative_accuracy_);
  out.u64(count_);
  out.f64(min_);
  out.f64(max_);
  out.u8(exact_ ? 1 : 0);
  if (exact_) {
    for (std::size_t k = 0; k < count_; ++k) out.f64(exact_values_[k]);
    return;
  }
  out.u64(zero_count_);
  positive_.encode(out);
  negative_.encode(out);
}

QuantileSketch QuantileSketch::decode(ByteReader& in) {
  const double accuracy = in.f64();
  if (!(accuracy >= kMinRelativeAccuracy && accuracy <= kMaxRelativeAccuracy))
    throw std::runtime_error("window_aggregate state: bad sketch accuracy");
  QuantileSketch s(accuracy);
  s.count_ = in.u64();
  s.min_ = in.f64();
  s.max_ = in.f64();
  s.exact_ = in.u8() != 0;
  if (s.exact_) {
    if (s.count_ > kExactValues) throw std::runtime_error("window_aggregate state: bad exact sketch");
    for (std::size_t k = 0; k < s.count_; ++k) s.exact_values_[k] = in.f64();
  } else {
    s.zero_count_ = in.u64();
    s.positive_.decode(in);
    s.negative_.decode(in);
    if (s.zero_count_ + s.positive_.total() + s.negative_.total() != s.count_)
      throw std::runtime_error("window_aggregate state: sketch counts disagree");
  }
  return s;
}

}  // namespace sluice::plugins::window_aggregate
