// The accumulated state of one open window: its groups, in the order they first appeared,
// with a record count, per-field stats and quantile sketches for each.
#pragma once

#include "aggregate_spec.hpp"
#include "group_table.hpp"
#include "quantile_sketch.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string_view>
#include <vector>

namespace sluice::plugins::window_aggregate {

// Count, sum (in arrival order), exact min and max of one numeric field in one group.
struct FieldStats {
  uint64_t count = 0;
  double sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  void add(double v) noexcept {
    ++count;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
};

// Not thread-safe. Group state lives in flat arrays indexed by group (and field or sketch
// slot), so adding a record touches a few contiguous cells and allocates nothing unless the
// group is new.
class Window {
 public:
  Window(int64_t start, const AggregateSpec& spec);

  int64_t start() const noexcept { return start_; }
  std::size_t group_count() const noexcept { return records_.size(); }

  // The group whose encoded key is `key` (hash: hash_key(key)), created when new with
  // copies of `key_values` (one per group-by field; nullptr for a missing field).
  uint32_t group_for(std::string_view key, uint64_t hash, std::span<const boost::json::value* const> key_values) {
    const uint32_t g = table_.find(key, hash);
    return g != GroupTable::kNotFound ? g : add_group(key, hash, key_values);
  }

  uint64_t& records(uint32_t group) noexcept { return records_[group]; }
  FieldStats& stats(uint32_t group, std::size_t field) noexcept { return stats_[group * field_count_ + field]; }
  QuantileSketch& sketch(uint32_t group, std::size_t slot) noexcept { return sketches_[group * sketch_count_ + slot]; }
  uint64_t records(uint32_t group) const noexcept { return records_[group]; }
  const FieldStats& stats(uint32_t group, std::size_t field) const noexcept {
    return stats_[group * field_count_ + field];
  }
  const QuantileSketch& sketch(uint32_t group, std::size_t slot) const noexcept {
    return sketches_[group * sketch_count_ + slot];
  }
  // The group's value of group-by field k (null for a missing field); heap-allocated.
  const boost::json::value& key_value(uint32_t group, std::size_t k) const noexcept {
    return key_values_[group * key_count_ + k];
  }

 private:
  uint32_t add_group(std::string_view key, uint64_t hash, std::span<const boost::json::value* const> key_values);

  int64_t start_;
  std::size_t key_count_;
  std::size_t field_count_;
  std::size_t sketch_count_;
  double sketch_accuracy_;
  GroupTable table_;
  std::vector<uint64_t> records_;
  std::vector<FieldStats> stats_;
  std::vector<QuantileSketch> sketches_;
  std::vector<boost::json::value> key_values_;
};

// The open windows, ordered by start, with the last one used cached (records arrive
// mostly in time order, so consecutive records usually share a window).
class OpenWindows {
 public:
  explicit OpenWindows(const AggregateSpec& spec) : spec_(&spec) {}

  Window& at(int64_t start) {
    if (cached_ != nullptr && cached_->start() == start) return *cached_;
    auto it = windows_.find(start);
    if (it == windows_.end()) it = windows_.emplace(start, Window(start, *spec_)).first;
    cached_ = &it->second;
    return *cached_;
  }
  // Removes every window with start <= last_start, in ascending start order, passing each
  // to fn before it is destroyed.
  template <class Fn>
  void close_through(int64_t last_start, Fn&& fn) {
    while (!windows_.empty() && windows_.begin()->first <= last_start) {
      fn(windows_.begin()->second);
      windows_.erase(windows_.begin());
      cached_ = nullptr;
    }
  }
  template <class Fn>
  void close_all(Fn&& fn) {
    close_through(std::numeric_limits<int64_t>::max(), fn);
  }

  const std::map<int64_t, Window>& windows() const noexcept { return windows_; }
  bool empty() const noexcept { return windows_.empty(); }
  // Exchanges the windows of two sets built for the same spec.
  void swap(OpenWindows& other) noexcept {
    windows_.swap(other.windows_);
    cached_ = nullptr;
    other.cached_ = nullptr;
  }

 private:
  const AggregateSpec* spec_;  // owned by the stage, outlives this
  std::map<int64_t, Window> windows_;
  Window* cached_ = nullptr;
};

}  // namespace sluice::plugins::window_aggregate
