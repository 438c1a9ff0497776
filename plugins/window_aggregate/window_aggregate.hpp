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
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice::plugins::window_aggregate {

// A serial, stateful transform: records must arrive one batch at a time in source order.
// Every alive record is absorbed into its (window, group) or dead-lettered (`late`,
// `missing_timestamp`); a window's rows are emitted by the call in which it closes, or by
// the final batch.
//
// prepare() reads each record's timestamp, group key and metric values, concurrently for
// several batches; process() then only decides lateness and adds the values to their groups,
// which is all that depends on the order of the records. Without a prepare() (after a hot
// swap, say) process() reads the records itself.
class WindowAggregateStage final : public sdk::PreparingTransform {
 public:
  void init(const sdk::InitContext& ctx) override;
  void prepare(const sdk::Batch& batch) override;
  void process(sdk::Batch& batch) override;
  // The open windows and max_ts; see window_snapshot.hpp for the format.
  std::string snapshot() override;
  // Replaces this stage's state with a snapshot of a stage with the same state signature;
  // throws std::runtime_error (leaving the state as it was) for any other state.
  void restore(std::string_view state) override;

  const AggregateSpec& spec() const noexcept { return spec_; }

 private:
  // Why a record has no usable timestamp, or ok.
  enum class Reading : uint8_t { ok, not_an_object, missing, not_a_number, not_integral, out_of_range };

  // The field readers of one thread (they remember where they found their fields last).
  struct Readers {
    explicit Readers(const AggregateSpec& spec);
    FieldReader time;
    std::vector<FieldReader> keys;
    std::vector<FieldReader> values;
  };

  // What was read from the records of one batch, one entry per record: by prepare(), or by
  // process() itself for a batch nobody prepared.
  struct BatchReading {
    struct Entry {
      bool alive = false;  // alive when read; others have nothing read
      Reading reading = Reading::ok;
      int64_t ts = 0;
      uint64_t hash = 0;
      uint32_t key_offset = 0;
      uint32_t key_size = 0;
    };
    std::vector<Entry> entries;
    std::size_t alive = 0;                              // entries with alive set
    std::string keys;                                   // the group keys, back to back
    std::vector<const boost::json::value*> key_values;  // group_by.size() per record
    std::vector<double> values;                         // value_fields.size() per record; NaN: none
    GroupKey key;                                       // scratch, kept for its buffer
  };

  // Reads every alive record of `batch` into `out`: timestamp, group key (with its hash and
  // the values it was made of) and metric values (NaN where missing, not a number or not
  // finite). Touches nothing but `readers` and `out`.
  void read_batch(Readers& readers, const sdk::Batch& batch, BatchReading& out) const;
  // Applies what was read from record i: lateness, max_ts, then its window and group.
  void take_reading(sdk::Batch& batch, sdk::Record& record, const BatchReading& read, std::size_t i);
  void reject_late(sdk::Batch& batch, sdk::Record& record, int64_t window_start);
  void emit_window(sdk::Batch& batch, const Window& window) const;
  void set_max_ts(int64_t ts) noexcept {
    has_max_ts_ = true;
    max_ts_ = ts;
    late_bound_ = ts - spec_.window_ms - spec_.allowed_lateness_ms;
  }
  // The batch's reading, if prepare() finished on it (removed from the map); else nullptr.
  std::unique_ptr<BatchReading> take_prepared(uint64_t sequence);
  // A spent reading to reuse (its buffers are warm), or a new one.
  std::unique_ptr<BatchReading> spare_reading();

  AggregateSpec spec_;
  std::unique_ptr<Readers> readers_;  // process()'s own, for batches nobody prepared
  std::vector<int> sketch_slots_;     // per value field: its sketch slot or -1
  std::unique_ptr<OpenWindows> windows_;

  bool has_max_ts_ = false;
  int64_t max_ts_ = 0;  // largest timestamp seen so far, when has_max_ts_
  // A window with start <= late_bound_ is closed: start + window + lateness <= max_ts.
  int64_t late_bound_ = std::numeric_limits<int64_t>::min();

  int64_t last_start_ = 0;  // a window start (0 or that of a recent record): a cache

  // Batches prepare() has read and process() has not taken yet, and spent ones for reuse.
  std::mutex prepared_mutex_;
  std::unordered_map<uint64_t, std::unique_ptr<BatchReading>> prepared_;
  std::vector<std::unique_ptr<BatchReading>> spare_;

  // Dead-letter details for records without a usable timestamp, built at init.
  std::string missing_detail_;
  std::string not_an_object_detail_;
  std::string not_a_number_detail_;
  std::string not_integral_detail_;
  std::string out_of_range_detail_;
};

}  // namespace sluice::plugins::window_aggregate
