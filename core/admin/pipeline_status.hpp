// What the admin API reports about a running pipeline: GET /v1/pipeline (JSON) and
// GET /metrics (Prometheus text format).
#pragma once

#include "runtime/pipeline.hpp"
#include "runtime/run_state.hpp"

#include <boost/json/value.hpp>

#include <string>

namespace sluice::admin {

// The pipeline, its totals and, per stage, the running plugin and version, its state and
// counters. Safe to call from any thread while the pipeline runs.
boost::json::value pipeline_status_json(runtime::Pipeline& pipeline, const runtime::RunState& state);

// The same counters in the Prometheus text exposition format (version 0.0.4).
std::string prometheus_metrics(runtime::Pipeline& pipeline, const runtime::RunState& state);

}  // namespace sluice::admin
