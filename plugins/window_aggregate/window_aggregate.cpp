#include "window_aggregate.hpp"

#include "event_time.hpp"
#include "group_key.hpp"
#include "group_table.hpp"
#include "window_snapshot.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
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

  const std::string& t = spec_.time_field.text;
  missing_detail_ = t + " is missing";
  not_an_object_detail_ = "the record is not an object, so it has no " + t;
  not_a_number_detail_ = t + " is not a number";
  not_integral_detail_ = t + " is not an integral number of milliseconds";
  out_of_range_detail_ = t + " is out of range (more than 2^62 ms from the epoch)";

  // Field pruning: the time, key and value fields; the rows passed on are the stage's own.
  if (ctx.field_use != nullptr) {
    sdk::FieldSet reads;
    auto read = [&](const FieldPath& f) {
      if (f.tokens.empty())
        reads.add_all();  // the pointer "" is the record itself
      else
        reads.add(f.tokens.front());
    };
    read(spec_.time_field);
    for (const GroupKeySpec& k : spec_.group_by) read(k.field);
    for (const ValueFieldSpec& v : spec_.value_fields) read(v.field);
    ctx.field_use->reads(reads);
    ctx.field_use->replaces_records();
  }
}

// Runs concurrently with everything else: it reads spec_ (fixed after init) and its own
// readers, and touches the stage only to hand its result over under prepared_mutex_.
void WindowAggregateStage::prepare(const sdk::Batch& batch) {
  std::unique_ptr<BatchReading> read = spare_reading();
  Readers readers(spec_);
  read_batch(readers, batch, *read);
  std::lock_guard lock(prepared_mutex_);
  prepared_[batch.sequence()] = std::move(read);
}

std::unique_ptr<WindowAggregateStage::BatchReading> WindowAggregateStage::spare_reading() {
  std::lock_guard lock(prepared_mutex_);
  if (spare_.empty()) return std::make_unique<BatchReading>();
  std::unique_ptr<BatchReading> read = std::move(spare_.back());
  spare_.pop_back();
  return read;
}

std::unique_ptr<WindowAggregateStage::BatchReading> WindowAggregateStage::take_prepared(uint64_t sequence) {
  std::lock_guard lock(prepared_mutex_);
  auto it = prepared_.find(sequence);
  if (it == prepared_.end()) return nullptr;
  std::unique_ptr<BatchReading> read = std::move(it->second);
  prepared_.erase(it);
  return read;
}

void WindowAggregateStage::process(sdk::Batch& batch) {
  std::vector<sdk::Record>& records = batch.records();
  // Rows emitted below are appended to the batch; they are not input for this stage.
  const std::size_t input_count = records.size();
  const auto alive = static_cast<std::size_t>(
      std::count_if(records.begin(), records.end(), [](const sdk::Record& r) { return r.alive(); }));
  std::unique_ptr<BatchReading> read = take_prepared(batch.sequence());
  // Fates only go from alive to final, so the same counts mean the same alive records.
  if (!read || read->entries.size() != input_count || read->alive != alive) {
    if (!read) read = spare_reading();
    read_batch(*readers_, batch, *read);
  }
  for (std::size_t i = 0; i < input_count; ++i)
    if (records[i].alive()) take_reading(batch, records[i], *read, i);
  {
    std::lock_guard lock(prepared_mutex_);
    spare_.push_back(std::move(read));
  }
  auto emit = [&](const Window& w) { emit_window(batch, w); };
  if (batch.is_final())
    windows_->close_all(emit);
  else
    windows_->close_through(late_bound_, emit);
}

void WindowAggregateStage::read_batch(Readers& readers, const sdk::Batch& batch, BatchReading& out) const {
  const std::vector<sdk::Record>& records = batch.records();
  const std::size_t key_count = spec_.group_by.size();
  const std::size_t value_count = spec_.value_fields.size();
  out.entries.assign(records.size(), BatchReading::Entry{});
  out.alive = 0;
  out.keys.clear();
  out.key_values.assign(records.size() * key_count, nullptr);
  out.values.assign(records.size() * value_count, 0.0);
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!records[i].alive()) continue;
    BatchReading::Entry& e = out.entries[i];
    e.alive = true;
    ++out.alive;
    const json::object* object = records[i].value.if_object();
    if (object == nullptr) {
      e.reading = Reading::not_an_object;
      continue;
    }
    switch (read_timestamp(readers.time.find(*object), e.ts)) {
      case TimestampStatus::ok: break;
      case TimestampStatus::missing: e.reading = Reading::missing; continue;
      case TimestampStatus::not_a_number: e.reading = Reading::not_a_number; continue;
      case TimestampStatus::not_integral: e.reading = Reading::not_integral; continue;
      case TimestampStatus::out_of_range: e.reading = Reading::out_of_range; continue;
    }
    const json::value** key_values = out.key_values.data() + i * key_count;
    out.key.clear();
    for (std::size_t k = 0; k < key_count; ++k) {
      key_values[k] = readers.keys[k].find(*object);
      out.key.append(key_values[k]);
    }
    const std::string_view key = out.key.view();
    e.key_offset = static_cast<uint32_t>(out.keys.size());
    e.key_size = static_cast<uint32_t>(key.size());
    e.hash = hash_key(key);
    out.keys.append(key);
    double* values = out.values.data() + i * value_count;
    for (std::size_t f = 0; f < value_count; ++f) {
      double v;
      // Missing, non-numeric and non-finite values are skipped: a sum gains 0 from them.
      values[f] = read_number(readers.values[f].find(*object), v) && std::isfinite(v)
                      ? v
                      : std::numeric_limits<double>::quiet_NaN();
    }
  }
}

void WindowAggregateStage::take_reading(sdk::Batch& batch, sdk::Record& record, const BatchReading& read,
                                        std::size_t i) {
  const BatchReading::Entry& e = read.entries[i];
  switch (e.reading) {
    case Reading::ok: break;
    case Reading::not_an_object: batch.dead_letter(record, "missing_timestamp", not_an_object_detail_); return;
    case Reading::missing: batch.dead_letter(record, "missing_timestamp", missing_detail_); return;
    case Reading::not_a_number: batch.dead_letter(record, "missing_timestamp", not_a_number_detail_); return;
    case Reading::not_integral: batch.dead_letter(record, "missing_timestamp", not_integral_detail_); return;
    case Reading::out_of_range: batch.dead_letter(record, "missing_timestamp", out_of_range_detail_); return;
  }
  const int64_t ts = e.ts;
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
  const std::string_view key = std::string_view(read.keys).substr(e.key_offset, e.key_size);
  const uint32_t group =
      window.group_for(key, e.hash, std::span<const json::value* const>(read.key_values.data() + i * key_count, key_count));
  ++window.records(group);

  const std::size_t field_count = spec_.value_fields.size();
  const double* const values = read.values.data() + i * field_count;
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
