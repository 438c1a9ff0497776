#include "runtime/run_report.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace sluice::runtime {

bool balance_holds(const RunState& s) {
  return s.records_in.load() == s.delivered.load() + s.dead.load() + s.filtered.load() + s.absorbed.load();
}

double startup_ms(const RunState& state, const RunSummary& summary) {
  const int64_t first = state.first_batch_unix_ns.load();
  if (first == 0 || summary.main_entered_unix_ns == 0) return 0;
  return static_cast<double>(first - summary.main_entered_unix_ns) / 1e6;
}

namespace {

// The histogram's non-empty buckets as [lower, upper, batches]: `batches` values v with
// lower <= v < upper (us). Enough to draw the distribution, or to merge runs bucket by bucket.
boost::json::array latency_buckets_json(const LatencyHistogram& h) {
  boost::json::array buckets;
  for (int i = 0; i < LatencyHistogram::kBuckets; ++i) {
    const uint64_t n = h.bucket_count(i);
    if (n == 0) continue;
    const double lower = i == 0 ? 0.0 : LatencyHistogram::bucket_upper(i - 1);
    buckets.push_back(boost::json::array{lower, LatencyHistogram::bucket_upper(i), n});
  }
  return buckets;
}

}  // namespace

boost::json::value run_report_json(Pipeline& pipeline, const RunState& state, const RunSummary& summary) {
  boost::json::object reasons;
  for (const auto& [reason, n] : state.dead_by_reason()) reasons[reason] = n;
  boost::json::array stages;
  for (StageSlot* slot : pipeline.slots()) {
    const StageCounters& c = slot->counters;
    auto instance = slot->current();
    uint64_t handled = slot == &pipeline.source() ? c.records_out.load() : c.records_in.load();
    stages.push_back(boost::json::object{
        {"name", slot->name()},
        {"plugin", instance->description().name},
        {"version", instance->description().version},
        {"concurrency", slot->concurrency()},
        {"batches", c.batches.load()},
        {"in", c.records_in.load()},
        {"out", c.records_out.load()},
        {"dead", c.dead.load()},
        {"filtered", c.filtered.load()},
        {"absorbed", c.absorbed.load()},
        {"emitted", c.emitted.load()},
        {"errors", c.errors.load()},
        {"swaps_done", c.swaps_done.load()},
        {"swaps_failed", c.swaps_failed.load()},
        {"busy_seconds", static_cast<double>(c.busy_ns.load()) / 1e9},
        {"ns_per_record", handled ? static_cast<double>(c.busy_ns.load()) / static_cast<double>(handled) : 0.0},
    });
  }
  uint64_t in = state.records_in.load();
  const LatencyHistogram& h = state.batch_latency;
  const LatencyHistogram& hs = state.batch_latency_during_swaps;
  return boost::json::object{
      {"pipeline", pipeline.spec().name},
      {"records_in", in},
      {"delivered", state.delivered.load()},
      {"absorbed", state.absorbed.load()},
      {"out", state.delivered.load() + state.absorbed.load()},
      {"dead", state.dead.load()},
      {"filtered", state.filtered.load()},
      {"dead_by_reason", std::move(reasons)},
      {"rows_out", state.rows_out.load()},
      {"balance_ok", balance_holds(state)},
      {"interrupted", summary.interrupted},
      {"failed", state.failed()},
      {"error", state.error()},
      {"wall_seconds", summary.wall_seconds},
      {"first_batch_unix_ns", state.first_batch_unix_ns.load()},
      {"startup_ms", startup_ms(state, summary)},
      {"records_per_second", summary.wall_seconds > 0 ? static_cast<double>(in) / summary.wall_seconds : 0.0},
      {"threads", pipeline.threads()},
      {"batch_size", pipeline.batch_size()},
      {"max_in_flight", pipeline.max_in_flight()},
      {"batch_latency_us", boost::json::object{{"count", h.count()},
                                               {"p50", h.quantile(0.50)},
                                               {"p95", h.quantile(0.95)},
                                               {"p99", h.quantile(0.99)},
                                               {"max", h.max()},
                                               {"buckets", latency_buckets_json(h)},
                                               {"during_swaps", boost::json::object{{"count", hs.count()},
                                                                                    {"p50", hs.quantile(0.50)},
                                                                                    {"p99", hs.quantile(0.99)},
                                                                                    {"max", hs.max()}}}}},
      {"swaps_done", pipeline.swaps_done()},
      {"swaps_failed", pipeline.swaps_failed()},
      {"stages", std::move(stages)},
  };
}

std::string run_report_text(Pipeline& pipeline, const RunState& state, const RunSummary& summary) {
  std::string out;
  uint64_t in = state.records_in.load();
  uint64_t out_records = state.delivered.load() + state.absorbed.load();
  out += fmt::format("pipeline {}: {} records in {:.3f} s ({:.0f} records/s){}\n", pipeline.spec().name, in,
                     summary.wall_seconds, summary.wall_seconds > 0 ? in / summary.wall_seconds : 0.0,
                     summary.interrupted ? ", interrupted" : "");
  out += fmt::format("balance: records_in {} = out {} + dead {} + filtered {}   [{}]\n", in, out_records,
                     state.dead.load(), state.filtered.load(), balance_holds(state) ? "ok" : "MISMATCH");
  std::string reasons;
  for (const auto& [reason, n] : state.dead_by_reason()) reasons += fmt::format(" {} {},", reason, n);
  if (!reasons.empty()) {
    reasons.pop_back();
    out += "dead letters:" + reasons + "\n";
  }
  if (state.absorbed.load() > 0 || state.rows_out.load() > 0)
    out += fmt::format("aggregated: {} records into {} rows written\n", state.absorbed.load(), state.rows_out.load());
  out += fmt::format("  {:<14} {:<24} {:>10} {:>10} {:>8} {:>8} {:>9}\n", "stage", "plugin", "in", "out", "dead",
                     "filtered", "ns/rec");
  for (StageSlot* slot : pipeline.slots()) {
    const StageCounters& c = slot->counters;
    auto instance = slot->current();
    bool is_source = slot == &pipeline.source();
    uint64_t handled = is_source ? c.records_out.load() : c.records_in.load();
    out += fmt::format("  {:<14} {:<24} {:>10} {:>10} {:>8} {:>8} {:>9.0f}\n", slot->name(),
                       instance->description().name + "@" + instance->description().version,
                       is_source ? c.records_out.load() + c.dead.load() : c.records_in.load(), c.records_out.load(),
                       c.dead.load(), c.filtered.load(),
                       handled ? static_cast<double>(c.busy_ns.load()) / static_cast<double>(handled) : 0.0);
  }
  const LatencyHistogram& h = state.batch_latency;
  out += fmt::format("batch latency: p50 {:.2f} ms, p95 {:.2f} ms, p99 {:.2f} ms over {} batches\n",
                     h.quantile(0.5) / 1000, h.quantile(0.95) / 1000, h.quantile(0.99) / 1000, h.count());
  if (const double startup = startup_ms(state, summary); startup > 0)
    out += fmt::format("start-up: first batch committed {:.1f} ms after main()\n", startup);
  if (uint64_t done = pipeline.swaps_done(), failed = pipeline.swaps_failed(); done + failed > 0) {
    const LatencyHistogram& hs = state.batch_latency_during_swaps;
    out += fmt::format("swaps: {} done, {} failed; batch latency during swaps: p50 {:.2f} ms, p99 {:.2f} ms over {} "
                       "batches\n",
                       done, failed, hs.quantile(0.5) / 1000, hs.quantile(0.99) / 1000, hs.count());
  }
  if (state.failed()) out += "FAILED: " + state.error() + "\n";
  return out;
}

}  // namespace sluice::runtime
