// The end-of-run report: the balance, per-stage counters, throughput and batch latency.
#pragma once

#include "runtime/pipeline.hpp"
#include "runtime/run_state.hpp"

#include <boost/json/value.hpp>

#include <string>

namespace sluice::runtime {

struct RunSummary {
  double wall_seconds = 0;
  // main() entered, system clock ns since the Unix epoch: start-up is measured from here to
  // RunState::first_batch_unix_ns (what runs before main, the loader's work, is not included).
  int64_t main_entered_unix_ns = 0;
  bool interrupted = false;  // stopped by a signal before the input ended
};

// Milliseconds from main() to the first batch committed by the sinks; 0 when unknown.
double startup_ms(const RunState& state, const RunSummary& summary);

// True when every input record is accounted for exactly once: in = delivered + dead + filtered + absorbed.
bool balance_holds(const RunState& state);

// The report as JSON (what --stats-json writes).
boost::json::value run_report_json(Pipeline& pipeline, const RunState& state, const RunSummary& summary);

// The report as text for the terminal.
std::string run_report_text(Pipeline& pipeline, const RunState& state, const RunSummary& summary);

}  // namespace sluice::runtime
