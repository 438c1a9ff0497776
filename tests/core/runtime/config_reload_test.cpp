// What a reload swaps and what it refuses, from the running pipeline and the file read again.
#include "runtime/config_reload.hpp"
#include "config/pipeline_spec.hpp"
#include "runtime/pipeline.hpp"

#include <sluice/sdk/yaml_config.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

namespace {

namespace fs = std::filesystem;
using sluice::runtime::plan_reload;

const fs::path kBinary = SLUICE_BINARY_DIR;

const std::string kBase = R"(name: reload
source: {plugin: generate, config: {count: 10}}
stages:
  - {name: parse, plugin: json_parse}
  - {name: stamp, plugin: stamp@1.0.0, config: {field: a, throw_on_line: 0}}
sink: {plugin: ndjson_sink, config: {path: out.ndjson}}
dead_letter: {plugin: ndjson_sink, config: {path: dead.ndjson}}
batch_size: 100
)";

sluice::config::PipelineSpec spec_of(const std::string& yaml) { return sluice::config::parse_pipeline(yaml, "p.yaml"); }

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::unique_ptr<sluice::runtime::Pipeline> assembled() {
  sluice::plugin::PluginRegistry registry({kBinary / "lib" / "sluice" / "plugins", kBinary / "test-plugins" / "good"});
  return std::make_unique<sluice::runtime::Pipeline>(spec_of(kBase), registry,
                                                     sluice::runtime::AssembleOptions{true, 2, 0, 0});
}

}  // namespace

TEST_CASE("configs compare by value: positions and map key order do not count", "[reload]") {
  using sluice::runtime::same_config;
  using sluice::sdk::parse_yaml_config;
  CHECK(same_config(parse_yaml_config("{a: 1, b: [x, y]}", "one"), parse_yaml_config("b: [x, y]\na: 1\n", "two")));
  CHECK_FALSE(same_config(parse_yaml_config("{a: 1}", "f"), parse_yaml_config("{a: \"1\"}", "f")));
  CHECK_FALSE(same_config(parse_yaml_config("{a: 1}", "f"), parse_yaml_config("{a: 1, b: 2}", "f")));
  CHECK_FALSE(same_config(parse_yaml_config("{a: [1, 2]}", "f"), parse_yaml_config("{a: [2, 1]}", "f")));
  CHECK(same_config(parse_yaml_config("", "f"), parse_yaml_config("~", "f")));
}

TEST_CASE("a reload swaps exactly the stages whose plugin, version or config changed", "[reload]") {
  auto pipeline = assembled();
  CHECK(plan_reload(*pipeline, spec_of(kBase)).swaps.empty());
  CHECK(plan_reload(*pipeline, spec_of(replaced(kBase, "{field: a, throw_on_line: 0}", "{throw_on_line: 0, field: a}")))
            .swaps.empty());

  auto config = plan_reload(*pipeline, spec_of(replaced(kBase, "field: a", "field: b")));
  CHECK(config.refusals.empty());
  REQUIRE(config.swaps.size() == 1);
  CHECK(config.swaps[0].stage == "stamp");
  CHECK(config.swaps[0].plugin == "stamp");
  CHECK(config.swaps[0].version_requirement == "1.0.0");
  CHECK(config.swaps[0].config->at("field").as_string() == "b");
  CHECK(config.swaps[0].origin == "reload");

  auto version = plan_reload(*pipeline, spec_of(replaced(kBase, "stamp@1.0.0", "stamp@^1")));
  REQUIRE(version.swaps.size() == 1);
  CHECK(version.swaps[0].version_requirement == "^1");

  auto sink = plan_reload(*pipeline, spec_of(replaced(kBase, "path: out.ndjson", "path: other.ndjson")));
  CHECK(sink.refusals.empty());
  REQUIRE(sink.swaps.size() == 1);
  CHECK(sink.swaps[0].stage == "sink");
}

TEST_CASE("a reload that cannot apply live is refused as a whole, naming each reason", "[reload]") {
  auto pipeline = assembled();
  auto refused = [&](const std::string& yaml, const std::string& reason) {
    auto plan = plan_reload(*pipeline, spec_of(yaml));
    INFO(yaml);
    REQUIRE_FALSE(plan.refusals.empty());
    std::string all;
    for (const std::string& r : plan.refusals) all += r + "\n";
    CHECK_THAT(all, Catch::Contains(reason));
  };
  refused(replaced(kBase, "batch_size: 100", "batch_size: 200"), "batch_size (100 -> 200)");
  refused(replaced(kBase, "batch_size: 100", "batch_size: 100\nprune_fields: false"), "prune_fields (true -> false)");
  refused(replaced(kBase, "count: 10", "count: 11"), "the source");
  refused(replaced(kBase, "  - {name: parse, plugin: json_parse}\n", ""), "cannot be added, removed or reordered");
  refused(replaced(kBase, "stages:\n", "stages:\n  - {name: first, plugin: stamp}\n"), "[parse, stamp] -> [first");
  refused(replaced(kBase, "sink: {plugin: ndjson_sink", "sink: {plugin: sqlite_sink"), "its plugin");
  refused(replaced(kBase, "dead_letter: {plugin: ndjson_sink, config: {path: dead.ndjson}}\n", ""), "added or removed");
  refused(replaced(kBase, "stamp@1.0.0,", "stamp@1.0.0, concurrency: 1,"), "concurrency");
  refused(replaced(kBase, "stamp@1.0.0,", "stamp@1.0.0, on_error: fail,"), "on_error");
}
