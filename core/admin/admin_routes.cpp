#include "admin/admin_routes.hpp"

#include "admin/json_config.hpp"
#include "admin/pipeline_status.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <chrono>
#include <optional>

namespace sluice::admin {

namespace {

constexpr std::string_view kStagesPrefix = "/v1/stages/";
constexpr int64_t kMaxTimeoutMs = 10 * 60 * 1000;

// Decodes the %XX escapes of a path segment; nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      unsigned v = 0;
      if (i + 2 >= s.size()) return std::nullopt;
      auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      if (ec != std::errc() || p != s.data() + i + 3) return std::nullopt;
      out += static_cast<char>(v);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The value of `key` in a query string ("n=5&timeout_ms=100"), if present.
std::optional<std::string_view> query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

AdminResponse json_response(int status, const boost::json::value& v) {
  return AdminResponse{status, "application/json", boost::json::serialize(v) + "\n"};
}

}  // namespace

AdminResponse error_response(int status, const std::string& message) {
  return json_response(status, boost::json::object{{"error", message}});
}

AdminResponse AdminRoutes::handle(std::string_view method, std::string_view target, std::string_view body) {
  try {
    std::string_view path = target.substr(0, target.find('?'));
    std::string_view query = path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view{};
    auto only = [&](std::string_view allowed) -> std::optional<AdminResponse> {
      if (method == allowed) return std::nullopt;
      return error_response(405, "method " + std::string(method) + " not allowed on " + std::string(path) + "; use " +
                                     std::string(allowed));
    };

    if (path == "/v1/pipeline") {
      if (auto r = only("GET")) return *r;
      return json_response(200, pipeline_status_json(pipeline_, state_));
    }
    if (path == "/metrics") {
      if (auto r = only("GET")) return *r;
      return AdminResponse{200, "text/plain; version=0.0.4; charset=utf-8", prometheus_metrics(pipeline_, state_)};
    }
    if (path.starts_with(kStagesPrefix)) {
      std::string_view rest = path.substr(kStagesPrefix.size());
      std::size_t slash = rest.find('/');
      if (slash != std::string_view::npos) {
        std::optional<std::string> stage = percent_decode(rest.substr(0, slash));
        std::string_view action = rest.substr(slash + 1);
        if (!stage) return error_response(400, "malformed stage name in " + std::string(path));
        if (action == "swap") {
          if (auto r = only("POST")) return *r;
          return swap(*stage, body);
        }
        if (action == "tap") {
          if (auto r = only("GET")) return *r;
          return tap(*stage, query);
        }
      }
    }
    return error_response(404, "no endpoint " + std::string(path) +
                                   "; try GET /v1/pipeline, POST /v1/stages/NAME/swap, GET /v1/stages/NAME/tap, "
                                   "GET /metrics");
  } catch (const std::exception& e) {
    return error_response(500, e.what());
  }
}

AdminResponse AdminRoutes::swap(const std::string& stage, std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec) return error_response(400, "the request body is not JSON: " + ec.message());
  if (!v.is_object()) return error_response(400, "the request body must be a JSON object");
  runtime::SwapRequest request;
  request.stage = stage;
  request.origin = "admin";
  for (const auto& kv : v.get_object()) {
    const std::string key = kv.key();
    const boost::json::value& value = kv.value();
    if (key == "version" || key == "plugin") {
      if (!value.is_string()) return error_response(400, "\"" + key + "\" must be a string");
      (key == "version" ? request.version_requirement : request.plugin) = std::string(value.get_string());
    } else if (key == "config") {
      if (!value.is_object() && !value.is_null())
        return error_response(400, "\"config\" must be an object (the stage's config map)");
      request.config = config_from_json(value, "<swap request for stage '" + stage + "'>");
    } else if (key == "timeout_ms") {
      if (!value.is_int64() || value.get_int64() <= 0 || value.get_int64() > kMaxTimeoutMs)
        return error_response(400, "\"timeout_ms\" must be an integer from 1 to " + std::to_string(kMaxTimeoutMs));
      request.timeout = std::chrono::milliseconds(value.get_int64());
    } else {
      return error_response(400, "unknown field \"" + key + "\"; expected version, plugin, config, timeout_ms");
    }
  }

  runtime::SwapResult r = pipeline_.swap_stage(request);
  boost::json::object out{
      {"stage", stage},
      {"plugin", r.plugin},
      {"version", r.version},
      {"previous", boost::json::object{{"plugin", r.previous_plugin}, {"version", r.previous_version}}},
  };
  if (!r.ok()) {
    out["error"] = r.message;
    out["code"] = runtime::swap_error_name(r.error);
    return json_response(runtime::http_status(r.error), out);
  }
  out["pause_us"] = std::chrono::duration_cast<std::chrono::microseconds>(r.pause).count();
  if (!r.reinitialised.empty()) {
    boost::json::array stages;
    for (const runtime::SwapResult::Reinitialised& e : r.reinitialised) {
      boost::json::array fields;
      for (const std::string& f : e.fields) fields.emplace_back(f);
      stages.emplace_back(boost::json::object{{"stage", e.stage}, {"computes", std::move(fields)}});
    }
    out["reinitialised"] = std::move(stages);
    out["first_batch"] = r.first_batch;
  }
  if (!r.message.empty()) out["warning"] = r.message;
  return json_response(200, out);
}

AdminResponse AdminRoutes::tap(const std::string& stage, std::string_view query) {
  runtime::StageSlot* slot = pipeline_.find(stage);
  if (!slot) return error_response(404, "no stage named '" + stage + "'");
  int64_t n = 10, timeout_ms = 10000;
  if (auto q = query_value(query, "n")) {
    std::optional<int64_t> v = parse_int(*q);
    if (!v || *v < 1 || *v > static_cast<int64_t>(runtime::StageTap::kMaxRecords))
      return error_response(400, "n must be an integer from 1 to " + std::to_string(runtime::StageTap::kMaxRecords));
    n = *v;
  }
  if (auto q = query_value(query, "timeout_ms")) {
    std::optional<int64_t> v = parse_int(*q);
    if (!v || *v < 1 || *v > kMaxTimeoutMs)
      return error_response(400, "timeout_ms must be an integer from 1 to " + std::to_string(kMaxTimeoutMs));
    timeout_ms = *v;
  }
  if (pipeline_.phase() == runtime::RunPhase::stopped) return error_response(503, "the pipeline has stopped");
  std::vector<std::string> records =
      slot->tap.sample(static_cast<std::size_t>(n), std::chrono::milliseconds(timeout_ms),
                       [this] { return pipeline_.phase() == runtime::RunPhase::stopped; });
  AdminResponse r{200, "application/x-ndjson", {}};
  for (const std::string& record : records) r.body += record + "\n";
  return r;
}

}  // namespace sluice::admin
