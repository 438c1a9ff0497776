#include "admin/pipeline_status.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <array>
#include <chrono>

namespace sluice::admin {

namespace {

using runtime::LatencyHistogram;
using runtime::StageSlot;

double seconds_since(std::chrono::steady_clock::time_point t) {
  if (t == std::chrono::steady_clock::time_point{}) return 0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

boost::json::object latency_json(const LatencyHistogram& h) {
  return {{"count", h.count()}, {"p50", h.quantile(0.50)}, {"p99", h.quantile(0.99)}, {"max", h.max()}};
}

const char* stage_state(StageSlot& slot, runtime::RunPhase phase) {
  if (phase != runtime::RunPhase::running) return runtime::phase_name(phase);
  return slot.swap_pending() ? "swapping" : "running";
}

// Prometheus label values escape backslash, double quote and newline.
std::string label_value(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// Bucket bounds (seconds) of the exported histograms; finer buckets are summed into them.
constexpr std::array<double, 16> kBucketsSeconds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};

void histogram(std::string& out, const std::string& name, const std::string& labels, const LatencyHistogram& h) {
  const std::string sep = labels.empty() ? "" : ",";
  for (double le : kBucketsSeconds)
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, le, h.count_below(le * 1e6));
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, h.count());
  out += fmt::format("{}_sum{{{}}} {}\n", name, labels, static_cast<double>(h.sum()) / 1e6);
  out += fmt::format("{}_count{{{}}} {}\n", name, labels, h.count());
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

boost::json::value pipeline_status_json(runtime::Pipeline& pipeline, const runtime::RunState& state) {
  const runtime::RunPhase phase = pipeline.phase();
  boost::json::array stages;
  for (StageSlot* slot : pipeline.slots()) {
    const runtime::StageCounters& c = slot->counters;
    std::shared_ptr<runtime::StageInstance> instance = slot->current();
    const plugin::PluginDescription& d = instance->description();
    boost::json::object s{
        {"name", slot->name()},
        {"role", runtime::role_name(slot->role())},
        {"plugin", d.name},
        {"version", d.version},
        {"requirement", instance->spec.version_requirement},
        {"threading", plugin::threading_name(d.threading)},
        {"stateful", d.stateful()},
        {"concurrency", slot->concurrency()},
        {"state", stage_state(*slot, phase)},
        {"in_flight", c.in_flight.load(std::memory_order_relaxed)},
        {"batches", c.batches.load(std::memory_order_relaxed)},
        {"in", c.records_in.load(std::memory_order_relaxed)},
        {"out", c.records_out.load(std::memory_order_relaxed)},
        {"dead", c.dead.load(std::memory_order_relaxed)},
        {"filtered", c.filtered.load(std::memory_order_relaxed)},
        {"absorbed", c.absorbed.load(std::memory_order_relaxed)},
        {"emitted", c.emitted.load(std::memory_order_relaxed)},
        {"errors", c.errors.load(std::memory_order_relaxed)},
        {"busy_seconds", static_cast<double>(c.busy_ns.load(std::memory_order_relaxed)) / 1e9},
        {"batch_us", latency_json(c.call_latency)},
        {"swaps_done", c.swaps_done.load(std::memory_order_relaxed)},
        {"swaps_failed", c.swaps_failed.load(std::memory_order_relaxed)},
    };
    if (std::string error = slot->last_swap_error(); !error.empty()) s["last_swap_error"] = error;
    if (std::vector<std::string> skipped = runtime::Pipeline::skipped_fields(*slot); !skipped.empty()) {
      boost::json::array names;  // field pruning: what this stage leaves out
      for (const std::string& f : skipped) names.emplace_back(f);
      s["skips"] = std::move(names);
    }
    stages.push_back(std::move(s));
  }
  return boost::json::object{
      {"pipeline", pipeline.spec().name},
      {"file", pipeline.spec().file.string()},
      {"state", runtime::phase_name(phase)},
      {"uptime_seconds", seconds_since(pipeline.started_at())},
      {"threads", pipeline.threads()},
      {"batch_size", pipeline.batch_size()},
      {"max_in_flight", pipeline.max_in_flight()},
      {"batches_in_flight", state.batches_in_flight.load(std::memory_order_relaxed)},
      {"records_in", state.records_in.load(std::memory_order_relaxed)},
      {"delivered", state.delivered.load(std::memory_order_relaxed)},
      {"dead", state.dead.load(std::memory_order_relaxed)},
      {"filtered", state.filtered.load(std::memory_order_relaxed)},
      {"absorbed", state.absorbed.load(std::memory_order_relaxed)},
      {"rows_out", state.rows_out.load(std::memory_order_relaxed)},
      {"batch_latency_us", latency_json(state.batch_latency)},
      {"batch_latency_during_swaps_us", latency_json(state.batch_latency_during_swaps)},
      {"swaps_done", pipeline.swaps_done()},
      {"swaps_failed", pipeline.swaps_failed()},
      {"stages", std::move(stages)},
  };
}

std::string prometheus_metrics(runtime::Pipeline& pipeline, const runtime::RunState& state) {
  const std::string p = "pipeline=\"" + label_value(pipeline.spec().name) + "\"";
  std::vector<StageSlot*> slots = pipeline.slots();
  auto stage_labels = [&](StageSlot* slot) { return p + ",stage=\"" + label_value(slot->name()) + "\""; };
  std::string out;
  out.reserve(16384);

  header(out, "sluice_stage_info", "gauge",
         "The plugin and version running in a stage (1). Counters keep their series across swaps; "
         "join on this for the version.");
  for (StageSlot* slot : slots) {
    const plugin::PluginDescription& d = slot->current()->description();
    out += fmt::format("sluice_stage_info{{{},role=\"{}\",plugin=\"{}\",version=\"{}\"}} 1\n", stage_labels(slot),
                       runtime::role_name(slot->role()), label_value(d.name), label_value(d.version));
  }
  struct Counter {
    const char* name;
    const char* help;
    std::atomic<uint64_t> runtime::StageCounters::*field;
  };
  const Counter counters[] = {
      {"sluice_stage_records_in_total", "Alive records that entered the stage.", &runtime::StageCounters::records_in},
      {"sluice_stage_records_out_total", "Alive records that left the stage (emitted ones included).",
       &runtime::StageCounters::records_out},
      {"sluice_stage_records_dead_total", "Records the stage sent to the dead letter.", &runtime::StageCounters::dead},
      {"sluice_stage_records_filtered_total", "Records the stage dropped on purpose.",
       &runtime::StageCounters::filtered},
      {"sluice_stage_records_absorbed_total", "Records an aggregating stage consumed.",
       &runtime::StageCounters::absorbed},
      {"sluice_stage_batches_total", "Batches the stage processed.", &runtime::StageCounters::batches},
      {"sluice_stage_errors_total", "Batches failed by a throwing stage.", &runtime::StageCounters::errors},
  };
  for (const Counter& counter : counters) {
    header(out, counter.name, "counter", counter.help);
    for (StageSlot* slot : slots)
      out += fmt::format("{}{{{}}} {}\n", counter.name, stage_labels(slot),
                         (slot->counters.*counter.field).load(std::memory_order_relaxed));
  }
  header(out, "sluice_stage_in_flight_batches", "gauge", "Batches inside the stage now.");
  for (StageSlot* slot : slots)
    out += fmt::format("sluice_stage_in_flight_batches{{{}}} {}\n", stage_labels(slot),
                       slot->counters.in_flight.load(std::memory_order_relaxed));
  header(out, "sluice_stage_swaps_total", "counter", "Hot swaps of the stage, by result.");
  for (StageSlot* slot : slots) {
    out += fmt::format("sluice_stage_swaps_total{{{},result=\"done\"}} {}\n", stage_labels(slot),
                       slot->counters.swaps_done.load(std::memory_order_relaxed));
    out += fmt::format("sluice_stage_swaps_total{{{},result=\"failed\"}} {}\n", stage_labels(slot),
                       slot->counters.swaps_failed.load(std::memory_order_relaxed));
  }
  header(out, "sluice_stage_batch_duration_seconds", "histogram", "Time of one stage call on one batch.");
  for (StageSlot* slot : slots)
    histogram(out, "sluice_stage_batch_duration_seconds", stage_labels(slot), slot->counters.call_latency);

  header(out, "sluice_pipeline_batch_latency_seconds", "histogram",
         "Time from a batch's creation at the source to its commit by the sinks.");
  histogram(out, "sluice_pipeline_batch_latency_seconds", p, state.batch_latency);
  header(out, "sluice_pipeline_batch_latency_during_swaps_seconds", "histogram",
         "The same, for batches alive while a swap took effect.");
  histogram(out, "sluice_pipeline_batch_latency_during_swaps_seconds", p, state.batch_latency_during_swaps);
  header(out, "sluice_pipeline_batches_in_flight", "gauge", "Batches between the source and the sinks now.");
  out += fmt::format("sluice_pipeline_batches_in_flight{{{}}} {}\n", p,
                     state.batches_in_flight.load(std::memory_order_relaxed));
  struct Total {
    const char* name;
    const char* help;
    uint64_t value;
  };
  const Total totals[] = {
      {"sluice_pipeline_records_in_total", "Input records the source produced.", state.records_in.load()},
      {"sluice_pipeline_records_delivered_total", "Input records the sink wrote.", state.delivered.load()},
      {"sluice_pipeline_records_dead_total", "Input records dead-lettered.", state.dead.load()},
      {"sluice_pipeline_records_filtered_total", "Input records filtered out.", state.filtered.load()},
      {"sluice_pipeline_records_absorbed_total", "Input records absorbed into aggregates.", state.absorbed.load()},
      {"sluice_pipeline_rows_out_total", "Rows stages emitted that reached the sink.", state.rows_out.load()},
      {"sluice_swaps_done_total", "Hot swaps applied.", pipeline.swaps_done()},
      {"sluice_swaps_failed_total", "Hot swaps refused or rolled back.", pipeline.swaps_failed()},
  };
  for (const Total& t : totals) {
    header(out, t.name, "counter", t.help);
    out += fmt::format("{}{{{}}} {}\n", t.name, p, t.value);
  }
  header(out, "sluice_pipeline_running", "gauge", "1 while the pipeline runs.");
  out += fmt::format("sluice_pipeline_running{{{}}} {}\n", p, pipeline.phase() == runtime::RunPhase::running ? 1 : 0);
  return out;
}

}  // namespace sluice::admin
