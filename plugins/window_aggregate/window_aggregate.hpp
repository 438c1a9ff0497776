// window_aggregate: tumbling event-time windows with allowed lateness, grouped counts,
// sums, extremes, averages and quantiles. See README.md beside this file.
#pragma once

#include "aggregate_spec.hpp"
#include "field_reader.hpp"
#include "group_key.hpp"
#include "window.hpp"

#include <sluice/sdk.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::window_aggregate {

// A serial, stateful transform: records must arrive one batch at a time in source order.
// Every alive record is absorbed into its (window, group) or dead-lettered (`late`,
// `missing_timestamp`); a window's rows are emitted by the call in which it closes, or by
// the final batch.
class WindowAggregateStage final : public sdk::Transform {
 public:
  void init(const sdk::InitContext& ctx) override;
  void process(sdk::Batch& batch) override;
  // The open windows and max_ts; see window_snapshot.hpp for the format.
  std::string snapshot() override;
  // Replaces this stage's state with a snapshot of a stage with the same state signature;
  // throws std::runtime_error (leaving the state as it was) for any other state.
  void restore(std::string_view state) override;

  const AggregateSpec& spec() const noexcept { return spec_; }

 private:
  void take_record(sdk::Batch& batch, sdk::Record& record);
  void reject_late(sdk::Batch& batch, sdk::Record& record, int64_t window_start);
  void emit_window(sdk::Batch& batch, const Window& window) const;
  void set_max_ts(int64_t ts) noexcept {
    has_max_ts_ = true;
    max_ts_ = ts;
    late_bound_ = ts - spec_.window_ms - spec_.allowed_lateness_ms;
  }

  AggregateSpec spec_;
  std::unique_ptr<FieldReader> time_reader_;
  std::vector<FieldReader> key_readers_;
  std::vector<FieldReader> value_readers_;
  std::vector<int> sketch_slots_;  // per value field: its sketch slot or -1
  std::unique_ptr<OpenWindows> windows_;

  bool has_max_ts_ = false;
  int64_t max_ts_ = 0;  // largest timestamp seen so far, when has_max_ts_
  // A window with start <= late_bound_ is closed: start + window + lateness <= max_ts.
  int64_t late_bound_ = std::numeric_limits<int64_t>::min();

  int64_t last_start_ = 0;  // a window start (0 or that of a recent record): a cache

  // Reused for every record, so building a group key allocates nothing once warm.
  GroupKey key_;
  std::vector<const boost::json::value*> key_values_;

  // Dead-letter details for records without a usable timestamp, built at init.
  std::string missing_detail_;
  std::string not_an_object_detail_;
  std::string not_a_number_detail_;
  std::string not_integral_detail_;
  std::string out_of_range_detail_;
};

}  // namespace sluice::plugins::window_aggregate
