// The admin API without sockets: addresses, JSON configs, and the endpoints' answers on an
// assembled pipeline that is not running.
#include "admin/admin_routes.hpp"
#include "admin/admin_endpoint.hpp"
#include "admin/json_config.hpp"
#include "config/pipeline_spec.hpp"
#include "plugin/option_check.hpp"
#include "runtime/pipeline.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <filesystem>

namespace {

namespace fs = std::filesystem;
using sluice::admin::AdminRoutes;

const fs::path kBinary = SLUICE_BINARY_DIR;

std::unique_ptr<sluice::runtime::Pipeline> assembled_pipeline() {
  sluice::plugin::PluginRegistry registry({kBinary / "lib" / "sluice" / "plugins", kBinary / "test-plugins" / "good"});
  auto spec = sluice::config::parse_pipeline(R"(name: "quo\"ted"
source: {plugin: generate, config: {count: 10}}
stages:
  - {name: parse, plugin: json_parse}
  - {name: stamp, plugin: stamp@1.0.0}
sink: {plugin: ndjson_sink, config: {path: out.ndjson}}
)",
                                             "p.yaml");
  return std::make_unique<sluice::runtime::Pipeline>(std::move(spec), registry,
                                                     sluice::runtime::AssembleOptions{true, 2, 0, 0});
}

}  // namespace

TEST_CASE("admin addresses: HOST:PORT, a port alone on 127.0.0.1, bracketed IPv6; bad ones say why", "[admin]") {
  using sluice::admin::parse_admin_endpoint;
  CHECK(parse_admin_endpoint("127.0.0.1:9090").host == "127.0.0.1");
  CHECK(parse_admin_endpoint("127.0.0.1:9090").port == 9090);
  CHECK(parse_admin_endpoint("0").host == "127.0.0.1");
  CHECK(parse_admin_endpoint("0").port == 0);
  CHECK(parse_admin_endpoint(":8080").host == "127.0.0.1");
  CHECK(parse_admin_endpoint("[::1]:7000").host == "::1");
  CHECK(parse_admin_endpoint("[::1]:7000").str() == "[::1]:7000");
  CHECK(parse_admin_endpoint("0.0.0.0:1").host == "0.0.0.0");
  CHECK_THROWS_WITH(parse_admin_endpoint("localhost:http"), Catch::Contains("port must be a number"));
  CHECK_THROWS_WITH(parse_admin_endpoint("127.0.0.1:70000"), Catch::Contains("0 to 65535"));
  CHECK_THROWS(parse_admin_endpoint("[::1]7000"));
  CHECK(sluice::admin::is_loopback("127.0.0.1"));
  CHECK(sluice::admin::is_loopback("::1"));
  CHECK_FALSE(sluice::admin::is_loopback("0.0.0.0"));
}

TEST_CASE("a JSON config reads like the same YAML: strings stay strings, numbers and booleans typed", "[admin]") {
  auto node = sluice::admin::config_from_json(
      boost::json::parse(R"({"n": 5, "s": "5", "b": true, "x": 1.5, "l": [1, "a"], "m": {"k": null}})"), "<req>");
  REQUIRE(node.is_map());
  CHECK(node.at("n").as_int() == 5);
  CHECK_THROWS(node.at("s").as_int());  // quoted: a string
  CHECK(node.at("s").as_string() == "5");
  CHECK(node.at("b").as_bool());
  CHECK(node.at("x").as_double() == 1.5);
  CHECK(node.at("l").items().size() == 2);
  CHECK(node.at("m").at("k").is_null());
  CHECK(node.at("n").mark().file == "<req>");
}

TEST_CASE("the endpoints answer JSON, Prometheus text and errors with the documented statuses", "[admin]") {
  auto pipeline = assembled_pipeline();
  sluice::runtime::RunState state;
  AdminRoutes routes(*pipeline, state);

  auto status = routes.handle("GET", "/v1/pipeline", "");
  REQUIRE(status.status == 200);
  CHECK(status.content_type == "application/json");
  auto p = boost::json::parse(status.body).as_object();
  CHECK(p.at("state").as_string() == "starting");
  auto& stages = p.at("stages").as_array();
  REQUIRE(stages.size() == 4);
  CHECK(stages[2].at("name").as_string() == "stamp");
  CHECK(stages[2].at("version").as_string() == "1.0.0");
  CHECK(stages[2].at("requirement").as_string() == "1.0.0");
  CHECK(stages[2].at("threading").as_string() == "reentrant");
  CHECK(stages[3].at("role").as_string() == "sink");

  auto metrics = routes.handle("GET", "/metrics", "");
  REQUIRE(metrics.status == 200);
  CHECK_THAT(metrics.content_type, Catch::StartsWith("text/plain; version=0.0.4"));
  // Label values are escaped; every histogram ends with +Inf, _sum and _count.
  CHECK_THAT(metrics.body, Catch::Contains(R"(sluice_stage_info{pipeline="quo\"ted",stage="stamp",role="transform",)"
                                           R"(plugin="stamp",version="1.0.0"} 1)"));
  CHECK_THAT(metrics.body, Catch::Contains(R"(sluice_stage_batch_duration_seconds_bucket{pipeline="quo\"ted",)"
                                           R"(stage="parse",le="+Inf"} 0)"));
  CHECK_THAT(metrics.body, Catch::Contains("# TYPE sluice_pipeline_batch_latency_seconds histogram"));
  CHECK_THAT(metrics.body, Catch::Contains(R"(sluice_swaps_failed_total{pipeline="quo\"ted"} 0)"));
  CHECK_THAT(metrics.body, Catch::Contains(R"(sluice_stage_in_flight_batches{pipeline="quo\"ted",stage="stamp"} 0)"));

  auto not_running = routes.handle("POST", "/v1/stages/stamp/swap", R"({"version":"1.1.0"})");
  CHECK(not_running.status == 503);
  auto answer = boost::json::parse(not_running.body).as_object();
  CHECK(answer.at("code").as_string() == "not_running");
  CHECK(answer.at("version").as_string() == "1.0.0");

  CHECK(routes.handle("POST", "/v1/stages/stamp/swap", "{").status == 400);
  CHECK(routes.handle("POST", "/v1/stages/stamp/swap", "[]").status == 400);
  CHECK(routes.handle("POST", "/v1/stages/stamp/swap", R"({"versoin":"1"})").status == 400);
  CHECK(routes.handle("POST", "/v1/stages/stamp/swap", R"({"config":[1]})").status == 400);
  CHECK(routes.handle("POST", "/v1/stages/stamp/swap", R"({"timeout_ms":0})").status == 400);
  CHECK(routes.handle("POST", "/v1/stages/st%61mp/swap", R"({"version":"1.1.0"})").status == 503);
  CHECK(routes.handle("POST", "/v1/stages/st%6/swap", "{}").status == 400);
  CHECK(routes.handle("POST", "/v1/stages/nope/swap", R"({"version":"1.1.0"})").status == 404);
  CHECK(routes.handle("GET", "/v1/stages/stamp/swap", "").status == 405);
  CHECK(routes.handle("POST", "/metrics", "").status == 405);
  CHECK(routes.handle("GET", "/v1/stages/nope/tap", "").status == 404);
  CHECK(routes.handle("GET", "/v1/stages/stamp/tap?n=0", "").status == 400);
  CHECK(routes.handle("GET", "/v1/stages/stamp/tap?n=5&timeout_ms=x", "").status == 400);
  // Not running yet: a tap waits for its timeout and answers what it got (nothing).
  auto tap = routes.handle("GET", "/v1/stages/stamp/tap?n=5&timeout_ms=1", "");
  CHECK(tap.status == 200);
  CHECK(tap.content_type == "application/x-ndjson");
  CHECK(tap.body.empty());
  CHECK(routes.handle("GET", "/", "").status == 404);
}

TEST_CASE("a swap request's JSON config is checked against the plugin's declared options", "[admin]") {
  auto plugin_config = sluice::admin::config_from_json(boost::json::parse(R"({"throw_on_line": 3})"), "<req>");
  sluice::plugin::PluginRegistry registry({kBinary / "test-plugins" / "good"});
  auto stamp = registry.load("stamp", "1.0.0");
  CHECK_NOTHROW(sluice::plugin::check_options(stamp->description(), plugin_config, {}));
  auto quoted = sluice::admin::config_from_json(boost::json::parse(R"({"throw_on_line": "3"})"), "<req>");
  CHECK_THROWS(sluice::plugin::check_options(stamp->description(), quoted, {}));
}
