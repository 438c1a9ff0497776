#include "config/pipeline_spec.hpp"

#include <catch2/catch.hpp>

#include <map>

using sluice::config::parse_pipeline;
using sluice::sdk::ConfigError;

namespace {
sluice::config::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

// The formatted error of parsing `text`, or "" when it parses.
std::string error_of(const std::string& text, std::map<std::string, std::string> vars = {}) {
  try {
    parse_pipeline(text, "p.yaml", env_of(std::move(vars)));
  } catch (const ConfigError& e) {
    return e.format();
  }
  return "";
}

const char* kValid = R"(name: demo
source:
  plugin: file_source
  config: {path: "${INPUT:-in.ndjson}"}
stages:
  - name: parse
    plugin: json_parse
  - plugin: normalize@^1.2
    concurrency: 3
    on_error: fail
    config:
      operations: []
sink:
  plugin: ndjson_sink
  config: {path: out.ndjson}
dead_letter:
  plugin: ndjson_sink
  config: {path: dead.ndjson}
batch_size: 7
max_in_flight: 5
)";
}  // namespace

TEST_CASE("a valid pipeline parses into its spec", "[config]") {
  auto spec = parse_pipeline(kValid, "dir/p.yaml", env_of({{"INPUT", "events.ndjson"}}));
  CHECK(spec.name == "demo");
  CHECK(spec.directory() == "dir");
  CHECK(spec.source.plugin == "file_source");
  CHECK(spec.source.config.at("path").as_string() == "events.ndjson");
  REQUIRE(spec.stages.size() == 2);
  CHECK(spec.stages[0].name == "parse");
  CHECK(spec.stages[1].name == "normalize");
  CHECK(spec.stages[1].plugin == "normalize");
  CHECK(spec.stages[1].version_requirement == "^1.2");
  CHECK(spec.stages[1].concurrency == 3u);
  CHECK(spec.stages[1].on_error == sluice::config::OnError::fail);
  CHECK(spec.stages[1].plugin_mark.line == 8);
  CHECK(spec.stages[1].plugin_mark.column == 13);
  CHECK(spec.sink.name == "sink");
  REQUIRE(spec.dead_letter);
  CHECK(spec.dead_letter->name == "dead_letter");
  CHECK(spec.batch_size == 7);
  CHECK(spec.max_in_flight == 5);
}

TEST_CASE("each config error class reports file:line:col", "[config]") {
  SECTION("unknown top-level key with a suggestion") {
    std::string e = error_of("source: {plugin: a}\nsink: {plugin: b}\nbatch_sise: 5\n");
    CHECK(e.rfind("p.yaml:3:1: error: unknown key 'batch_sise'", 0) == 0);
    CHECK(e.find("did you mean 'batch_size'?") != std::string::npos);
  }
  SECTION("unknown stage key") {
    std::string e = error_of("source: {plugin: a}\nstages:\n  - plugin: b\n    confg: {}\nsink: {plugin: c}\n");
    CHECK(e.rfind("p.yaml:4:5: error: unknown key 'confg'", 0) == 0);
    CHECK(e.find("did you mean 'config'?") != std::string::npos);
  }
  SECTION("missing sink") {
    CHECK(error_of("source: {plugin: a}\n").rfind("p.yaml:1:1: error: missing required key 'sink'", 0) == 0);
  }
  SECTION("missing plugin in a stage") {
    CHECK(error_of("source: {plugin: a}\nstages:\n  - name: x\nsink: {plugin: c}\n")
              .rfind("p.yaml:3:5: error: missing required key 'plugin'", 0) == 0);
  }
  SECTION("wrong type") {
    CHECK(error_of("source: {plugin: a}\nsink: {plugin: c}\nbatch_size: many\n")
              .rfind("p.yaml:3:13: error: expected an integer", 0) == 0);
    CHECK(error_of("source: {plugin: a}\nsink: {plugin: c}\nbatch_size: 0\n")
              .rfind("p.yaml:3:13: error: batch_size must be between 1", 0) == 0);
  }
  SECTION("bad on_error value") {
    std::string e = error_of("source: {plugin: a}\nstages:\n  - {plugin: b, on_error: fial}\nsink: {plugin: c}\n");
    CHECK(e.rfind("p.yaml:3:27: error: on_error must be dead_letter or fail", 0) == 0);
    CHECK(e.find("did you mean 'fail'?") != std::string::npos);
  }
  SECTION("duplicate stage names") {
    CHECK(error_of("source: {plugin: a}\nstages:\n  - {plugin: b}\n  - {plugin: b}\nsink: {plugin: c}\n")
              .rfind("p.yaml:4:5: error: duplicate stage name 'b'", 0) == 0);
  }
  SECTION("unset environment variable") {
    std::string e = error_of("source: {plugin: a, config: {path: \"${INPUT}\"}}\nsink: {plugin: c}\n");
    CHECK(e.rfind("p.yaml:1:36: error: environment variable INPUT is not set", 0) == 0);
  }
  SECTION("YAML syntax error") {
    CHECK(error_of("source: {plugin: a\nsink: [\n").rfind("p.yaml:", 0) == 0);
    CHECK(error_of("source: {plugin: a\nsink: [\n").find("invalid YAML") != std::string::npos);
  }
  SECTION("duplicate YAML key") {
    CHECK(error_of("source: {plugin: a}\nsink: {plugin: c}\nsink: {plugin: d}\n")
              .rfind("p.yaml:3:1: error: duplicate key 'sink'", 0) == 0);
  }
  SECTION("not a map") {
    CHECK(error_of("- a\n- b\n").rfind("p.yaml:1:1: error: a pipeline file must be a YAML map", 0) == 0);
  }
}
