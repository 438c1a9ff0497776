// The admin API's endpoints, apart from HTTP transport (admin_server.hpp) so they can be
// tested without a socket:
//   GET  /v1/pipeline               stages, plugins, versions, states and counters (JSON)
//   POST /v1/stages/{name}/swap     {"version": "1.3.0", "plugin": "other", "config": {...},
//                                    "timeout_ms": 10000}: 200 with the new version, or 4xx/5xx
//                                    with {"error": reason}
//   GET  /v1/stages/{name}/tap?n=N&timeout_ms=T   up to N records leaving the stage (NDJSON)
//   GET  /metrics                   Prometheus text format
#pragma once

#include "runtime/pipeline.hpp"
#include "runtime/run_state.hpp"

#include <string>
#include <string_view>

namespace sluice::admin {

struct AdminResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

class AdminRoutes {
 public:
  // Both must outlive this object.
  AdminRoutes(runtime::Pipeline& pipeline, runtime::RunState& state) : pipeline_(pipeline), state_(state) {}

  // Answers one request. `target` is the request target (path and query). May block: a swap
  // waits for its outcome, a tap for its records (both bounded by a timeout and by the end of
  // the run). Never throws.
  AdminResponse handle(std::string_view method, std::string_view target, std::string_view body);

 private:
  AdminResponse swap(const std::string& stage, std::string_view body);
  AdminResponse tap(const std::string& stage, std::string_view query);

  runtime::Pipeline& pipeline_;
  runtime::RunState& state_;
};

// {"error": message} with `status`.
AdminResponse error_response(int status, const std::string& message);

}  // namespace sluice::admin
