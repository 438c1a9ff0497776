#include "window_aggregate.hpp"

#include "event_time.hpp"
#include "group_key.hpp"
#include "group_table.hpp"
#include "window_snapshot.hpp"

#include <boost/json/object.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <span>

namespace sluice::plugins::window_aggregate {

namespace json = boost::json;

WindowAggregateStage::Readers::Readers(const AggregateSpec& spec) : time(spec.time_field) {
  for (const GroupKeySpec& k : spec.group_by) keys.emplace_back(k.field);
  for (const ValueFieldSpec& f : spec.value_fields) values.emplace_back(f.field);
}

void WindowAggregateStage::init(const sdk::InitContext& ctx) {
  spec_ = parse_aggregate_spec(ctx.config);
  readers_ = std::make_unique<Readers>(spec_);
  sketch_slots_.clear();
  for (const ValueFieldSpec& f : spec_.value_fields) sketch_slots_.push_back(f.sketch_slot);
  windows_ = std::make_unique<OpenWindows>(spec_);
  has_max_ts_ = false;
  max_ts_ = 0;
  late_bound_ = std::numeric_limits<int64_t>::min();
  last_start_ = 0;
  key_values_.assign(spec_.group_by.size(), nullptr);
  values_.assign(spec_.value_fields.size(), 0.0);

  const std::string& t = spec_.time_field.text;
  missing_detail_ = t + " is missing";
  not_an_object_detail_ = "the record is not an object, so it has no " + t;
  not_a_number_detail_ = t + " is not a number";
  not_integral_detail_ = t + " is not an integral number of milliseconds";
  out_of_range_detail_ = t + " is out of range (more than 2^62 ms from the epoch)";
}

// Runs concurrently with everything else: it reads spec_ (fixed after init) and its own
// readers, and touches the stage only to hand its result over under prepared_mutex_.
void WindowAggregateStage::prepare(const sdk::Batch& batch) {
  std::unique_ptr<PreparedBatch> prepared;
  {
    std::lock_guard lock(prepared_mutex_);
    if (!spare_.empty()) {
      prepared = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  if (!prepared) prepared = std::make_unique<PreparedBatch>();
  prepared->clear();

  Readers readers(spec_);
  GroupKey key;
  const std::vector<sdk::Record>& records = batch.records();
  const std::size_t key_count = spec_.group_by.size();
  const std::size_t value_count = spec_.value_fields.size();
  prepared->entries.resize(records.size());
  prepared->key_values.resize(records.size() * key_count);
  prepared->values.resize(records.size() * value_count);
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!records[i].alive()) continue;
    PreparedBatch::Entry& e = prepared->entries[i];
    e.alive = true;
    e.reading = read_record(readers, records[i], key, prepared->key_values.data() + i * key_count,
                            prepared->values.data() + i * value_count, e.ts);
    if (e.reading != Reading::ok) continue;
    const std::string_view k = key.view();
    e.key_offset = static_cast<uint32_t>(prepared->keys.size());
    e.key_size = static_cast<uint32_t>(k.size());
    e.hash = hash_key(k);
    prepared->keys.append(k);
  }

  std::lock_guard lock(prepared_mutex_);
  prepared_[batch.sequence()] = std::move(prepared);
}

std::unique_ptr<WindowAggregateStage::PreparedBatch> WindowAggregateStage::take_prepared(uint64_t sequence) {
  std::lock_guard lock(prepared_mutex_);
  auto it = prepared_.find(sequence);
  if (it == prepared_.end()) return nullptr;
  std::unique_ptr<PreparedBatch> prepared = std::move(it->second);
  prepared_.erase(it);
  return prepared;
}

void WindowAggregateStage::process(sdk::Batch& batch) {
  std::vector<sdk::Record>& records = batch.records();
  // Rows emitted below are appended to the batch; they are not input for this stage.
  const std::size_t input_count = records.size();
  std::unique_ptr<PreparedBatch> prepared = take_prepared(batch.sequence());
  if (prepared && prepared->entries.size() != input_count) prepared.reset();  // not this batch's reading
  const std::size_t key_count = spec_.group_by.size();
  const std::size_t value_count = spec_.value_fields.size();
  for (std::size_t i = 0; i < input_count; ++i) {
    sdk::Record& r = records[i];
    if (!r.alive()) continue;
    if (prepared && prepared->entries[i].alive) {
      const PreparedBatch::Entry& e = prepared->entries[i];
      take_reading(batch, r, e.reading, e.ts, std::string_view(prepared->keys).substr(e.key_offset, e.key_size),
                   e.hash, prepared->key_values.data() + i * key_count, prepared->values.data() + i * value_count);
      continue;
    }
    int64_t ts = 0;
    const Reading reading = read_record(*readers_, r, key_, key_values_.data(), values_.data(), ts);
    const std::string_view key = key_.view();
    take_reading(batch, r, reading, ts, key, reading == Reading::ok ? hash_key(key) : 0, key_values_.data(),
                 values_.data());
  }
  if (prepared) {
    std::lock_guard lock(prepared_mutex_);
    spare_.push_back(std::move(prepared));
  }
  auto emit = [&](const Window& w) { emit_window(batch, w); };
  if (batch.is_final())
    windows_->close_all(emit);
  else
    windows_->close_through(late_bound_, emit);
}

WindowAggregateStage::Reading WindowAggregateStage::read_record(Readers& readers, const sdk::Record& record,
                                                                GroupKey& key, const json::value** key_values,
                                                                double* values, int64_t& ts) const {
  const json::object* object = record.value.if_object();
  if (object == nullptr) return Reading::not_an_object;
  RecordFields fields(*object);
  switch (read_timestamp(readers.time.find(fields), ts)) {
    case TimestampStatus::ok: break;
    case TimestampStatus::missing: return Reading::missing;
    case TimestampStatus::not_a_number: return Reading::not_a_number;
    case TimestampStatus::not_integral: return Reading::not_integral;
    case TimestampStatus::out_of_range: return Reading::out_of_range;
  }
  key.clear();
  const std::size_t key_count = readers.keys.size();
  for (std::size_t k = 0; k < key_count; ++k) {
    key_values[k] = readers.keys[k].find(fields);
    key.append(key_values[k]);
  }
  const std::size_t value_count = readers.values.size();
  for (std::size_t f = 0; f < value_count; ++f) {
    double v;
    // Missing, non-numeric and non-finite values are skipped: a sum gains 0 from them.
    values[f] = read_number(readers.values[f].find(fields), v) && std::isfinite(v)
                    ? v
                    : std::numeric_limits<double>::quiet_NaN();
  }
  return Reading::ok;
}

void WindowAggregateStage::take_reading(sdk::Batch& batch, sdk::Record& record, Reading reading, int64_t ts,
                                        std::string_view key, uint64_t hash, const json::value* const* key_values,
                                        const double* values) {
  switch (reading) {
    case Reading::ok: break;
    case Reading::not_an_object: batch.dead_letter(record, "missing_timestamp", not_an_object_detail_); return;
    case Reading::missing: batch.dead_letter(record, "missing_timestamp", missing_detail_); return;
    case Reading::not_a_number: batch.dead_letter(record, "missing_timestamp", not_a_number_detail_); return;
    case Reading::not_integral: batch.dead_letter(record, "missing_timestamp", not_integral_detail_); return;
    case Reading::out_of_range: batch.dead_letter(record, "missing_timestamp", out_of_range_detail_); return;
  }
  // Most records fall in the window of the previous one: skip the division then. The
  // difference is taken modulo 2^64, which is exact for |ts| <= 2^62.
  if (static_cast<uint64_t>(ts) - static_cast<uint64_t>(last_start_) >= static_cast<uint64_t>(spec_.window_ms))
    last_start_ = window_start_of(ts, spec_.window_ms);
  const int64_t start = last_start_;
  // Judged against the records before this one; then this one counts for max_ts too.
  if (start <= late_bound_) {
    reject_late(batch, record, start);
    if (ts > max_ts_) set_max_ts(ts);  // unreachable while lateness >= 0; kept for the rule
    return;
  }
  if (!has_max_ts_ || ts > max_ts_) set_max_ts(ts);

  Window& window = windows_->at(start);
  const std::size_t key_count = spec_.group_by.size();
  const uint32_t group = window.group_for(key, hash, std::span<const json::value* const>(key_values, key_count));
  ++window.records(group);

  const std::size_t field_count = spec_.value_fields.size();
  const int* const sketch_slots = sketch_slots_.data();
  FieldStats* const stats = field_count > 0 ? &window.stats(group, 0) : nullptr;
  QuantileSketch* const sketches = spec_.sketch_count > 0 ? &window.sketch(group, 0) : nullptr;
  for (std::size_t f = 0; f < field_count; ++f) {
    const double v = values[f];
    if (std::isnan(v)) continue;
    stats[f].add(v);
    if (sketch_slots[f] >= 0) sketches[sketch_slots[f]].add(v);
  }
  batch.absorb(record);
}

void WindowAggregateStage::reject_late(sdk::Batch& batch, sdk::Record& record, int64_t window_start) {
  char detail[96];
  char* p = detail;
  char* const end = detail + sizeof detail;
  auto append = [&](std::string_view s) {
    for (char c : s) *p++ = c;
  };
  append("window ");
  p = std::to_chars(p, end, window_start).ptr;
  append(" closed at max_ts ");
  p = std::to_chars(p, end, max_ts_).ptr;
  batch.dead_letter(record, "late", std::string_view(detail, static_cast<std::size_t>(p - detail)));
}

void WindowAggregateStage::emit_window(sdk::Batch& batch, const Window& window) const {
  const json::storage_ptr& sp = batch.storage();
  for (uint32_t g = 0; g < window.group_count(); ++g) {
    json::object row(sp);
    row.reserve(1 + spec_.group_by.size() + spec_.metrics.size());
    row.emplace(spec_.window_start_field, window.start());
    for (std::size_t k = 0; k < spec_.group_by.size(); ++k)
      row.emplace(spec_.group_by[k].output_name, json::value(window.key_value(g, k), sp));
    for (const MetricSpec& m : spec_.metrics) {
      json::value v;  // null unless the group has values for the metric
      const FieldStats* s = m.value_field >= 0 ? &window.stats(g, static_cast<std::size_t>(m.value_field)) : nullptr;
      switch (m.op) {
        case MetricOp::count: v = static_cast<int64_t>(s ? s->count : window.records(g)); break;
        case MetricOp::sum: v = s->sum; break;
        case MetricOp::min:
          if (s->count > 0) v = s->min;
          break;
        case MetricOp::max:
          if (s->count > 0) v = s->max;
          break;
        case MetricOp::avg:
          if (s->count > 0) v = s->sum / static_cast<double>(s->count);
          break;
        case MetricOp::quantile: {
          const int slot = spec_.value_fields[static_cast<std::size_t>(m.value_field)].sketch_slot;
          const QuantileSketch& sketch = window.sketch(g, static_cast<std::size_t>(slot));
          if (!sketch.empty()) v = sketch.quantile(m.q);
          break;
        }
      }
      row.emplace(m.name, std::move(v));
    }
    batch.emit(json::value(std::move(row)));
  }
}

std::string WindowAggregateStage::snapshot() {
  return encode_state(spec_, has_max_ts_ ? std::optional<int64_t>(max_ts_) : std::nullopt, *windows_);
}

void WindowAggregateStage::restore(std::string_view state) {
  OpenWindows restored(spec_);
  const std::optional<int64_t> max_ts = decode_state(state, spec_, restored);
  windows_->swap(restored);
  has_max_ts_ = false;
  max_ts_ = 0;
  late_bound_ = std::numeric_limits<int64_t>::min();
  if (max_ts) set_max_ts(*max_ts);
}

}  // namespace sluice::plugins::window_aggregate
