// window_aggregate: its configuration (options, field paths, errors at their YAML position).
#include "stream_harness.hpp"

#include <sluice/sdk/yaml_config.hpp>

#include <catch2/catch.hpp>

using namespace window_aggregate_test;
using sluice::sdk::ConfigError;

TEST_CASE("several metrics over one field share one accumulator and one sketch", "[window_aggregate]") {
  auto t = make_stage<WindowAggregateStage>(kReferenceConfig);
  const auto& spec = t.stage->spec();
  REQUIRE(spec.value_fields.size() == 2);  // amount, latency_ms
  CHECK(spec.sketch_count == 1);
  CHECK(spec.group_by.size() == 3);
  CHECK(spec.metrics.size() == 8);
}

TEST_CASE("the aggregate configs of the project's pipelines are accepted", "[window_aggregate]") {
  for (const char* file : {"pipelines/reference.yaml", "pipelines/quickstart.yaml"}) {
    INFO(file);
    const auto pipeline = sluice::sdk::load_yaml_config_file(std::string(SLUICE_SOURCE_DIR) + "/" + file);
    bool found = false;
    for (const auto& stage : pipeline.at("stages").items()) {
      if (stage.at("plugin").as_string().rfind("window_aggregate", 0) != 0) continue;
      found = true;
      WindowAggregateStage s;
      sluice::sdk::InitContext ctx{"aggregate", stage.at("config"), {}, 4096, sluice::sdk::SinkRole::records, false};
      REQUIRE_NOTHROW(s.init(ctx));
    }
    CHECK(found);
  }
}

TEST_CASE("config errors point at the offending option", "[window_aggregate]") {
  auto fails = [](const char* yaml, const char* message) {
    INFO(yaml);
    try {
      make_stage<WindowAggregateStage>(yaml);
      FAIL("no ConfigError");
    } catch (const ConfigError& e) {
      CHECK_THAT(e.what(), Catch::Contains(message));
      CHECK(e.mark().line > 0);
    }
  };
  fails("group_by: [a]\n", "missing required key 'metrics'");
  fails("metrics: []\n", "at least one metric");
  fails("metrics:\n  - {name: x, op: median, field: a}\n", "unknown metric op 'median'");
  fails("metrics:\n  - {name: x, op: quantile, field: a}\n", "needs q");
  fails("metrics:\n  - {name: x, op: quantile, field: a, q: 1.5}\n", "q must be in (0, 1]");
  fails("metrics:\n  - {name: x, op: quantile, field: a, q: 0}\n", "q must be in (0, 1]");
  fails("metrics:\n  - {name: x, op: sum}\n", "needs a field");
  fails("metrics:\n  - {name: x, op: sum, field: a, q: 0.5}\n", "q applies only to op: quantile");
  fails("metrics:\n  - {name: x, op: count}\n  - {name: x, op: sum, field: a}\n", "output field 'x' is used twice");
  fails("group_by: [count]\nmetrics:\n  - {name: count, op: count}\n", "output field 'count' is used twice");
  fails("metrics:\n  - {name: window_start, op: count}\n", "output field 'window_start' is used twice");
  fails("window_ms: 0\nmetrics:\n  - {name: n, op: count}\n", "window_ms must be between");
  fails("allowed_lateness_ms: -1\nmetrics:\n  - {name: n, op: count}\n", "allowed_lateness_ms must be between");
  fails("sketch_relative_accuracy: 0.5\nmetrics:\n  - {name: n, op: count}\n", "sketch_relative_accuracy");
  fails("windows_ms: 10\nmetrics:\n  - {name: n, op: count}\n", "unknown window_aggregate option 'windows_ms'");
  fails("metrics:\n  - {name: n, op: count, feld: a}\n", "unknown metric key 'feld'");
  fails("group_by: ['/a/~2']\nmetrics:\n  - {name: n, op: count}\n", "invalid JSON Pointer");
  fails("group_by: [user..country]\nmetrics:\n  - {name: n, op: count}\n", "empty key in field path");
  fails("metrics:\n  - {name: n, op: sum, field: amount.}\n", "empty key in field path");
}

TEST_CASE("fields may be dotted paths through objects", "[window_aggregate]") {
  constexpr const char* config = R"(
time_field: meta.t
group_by: [user.country, {field: user.plan, as: plan}]
metrics:
  - {name: n, op: count}
  - {name: s, op: sum, field: m.v}
)";
  StreamOutput out = run_stream(config,
                                {R"({"meta":{"t":5},"user":{"country":"DE","plan":"pro"},"m":{"v":2}})",
                                 R"({"meta":{"t":6},"user":{"country":"DE","plan":"pro"},"m":{"v":3.5}})",
                                 R"({"meta":{"t":7},"user":{"country":"FR"},"m":[1]})",
                                 R"({"meta":{"t":8},"user":["DE"],"m.v":4})"},
                                2);
  REQUIRE(out.rows.size() == 3);
  CHECK(out.rows[0] == R"({"window_start":0,"country":"DE","plan":"pro","n":2,"s":5.5E0})");
  CHECK(out.rows[1] == R"({"window_start":0,"country":"FR","plan":null,"n":1,"s":0E0})");
  CHECK(out.rows[2] == R"({"window_start":0,"country":null,"plan":null,"n":1,"s":0E0})");
}

TEST_CASE("group-by and time fields may be JSON Pointers", "[window_aggregate]") {
  constexpr const char* config = R"(
time_field: /meta/t
group_by: [/tags/0]
metrics:
  - {name: n, op: count}
  - {name: s, op: sum, field: /m/v}
)";
  StreamOutput out = run_stream(config,
                                {R"({"meta":{"t":5},"tags":["a","b"],"m":{"v":2}})",
                                 R"({"meta":{"t":6},"tags":["a"],"m":{"v":3}})", R"({"meta":{"t":7},"tags":[]})",
                                 R"({"meta":{"t":8},"tags":{"0":"a"}})"},
                                2);
  REQUIRE(out.rows.size() == 2);
  CHECK(out.rows[0] == R"({"window_start":0,"0":"a","n":3,"s":5E0})");
  CHECK(out.rows[1] == R"({"window_start":0,"0":null,"n":1,"s":0E0})");
}
