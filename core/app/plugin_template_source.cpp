// The files of a new source plugin: a stage that produces a given number of numbered records.
#include "app/plugin_template.hpp"

namespace sluice::app {
namespace {

constexpr std::string_view kHeader = R"tmpl(// The {{name}} source: produces `count` numbered records.
#pragma once

#include <sluice/sdk.hpp>

#include <cstdint>

namespace {{name}} {

// The host calls next() from one thread at a time, so the source may keep its position in
// plain members.
class {{Name}}Source final : public sluice::sdk::Source {
 public:
  // Reads the options declared in plugin.cpp; throws ConfigError at the offending YAML position.
  void init(const sluice::sdk::InitContext& ctx) override;
  // Adds up to the pipeline's batch_size records {"n": 1.., "source": "{{name}}"}, built in the
  // batch arena. Returns false once all `count` records have been produced.
  bool next(sluice::sdk::Batch& batch) override;

 private:
  int64_t count_ = 10;
  int64_t produced_ = 0;
  uint32_t batch_size_ = 4096;
};

}  // namespace {{name}}
)tmpl";

constexpr std::string_view kSource = R"tmpl(#include "{{name}}.hpp"

#include <algorithm>

namespace {{name}} {
namespace sdk = sluice::sdk;

void {{Name}}Source::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& config = ctx.config;
  if (!config.is_null() && !config.is_map())
    config.fail("{{name}} config must be a map, found " + config.type_name());
  count_ = config.get_int("count", 10);
  if (count_ < 0) config.at("count").fail("count must not be negative");
  batch_size_ = ctx.batch_size;
  produced_ = 0;
}

bool {{Name}}Source::next(sdk::Batch& batch) {
  const int64_t end = std::min(count_, produced_ + static_cast<int64_t>(batch_size_));
  batch.reserve(static_cast<std::size_t>(end - produced_));
  while (produced_ < end) {
    ++produced_;
    // Built on the batch's storage, so that moving it into the record copies nothing.
    boost::json::object record(batch.storage());
    record["n"] = produced_;
    record["source"] = "{{name}}";
    // No raw text: the value is already there, and json_parse leaves such records alone.
    sdk::Record& r = batch.add_line({}, static_cast<uint64_t>(produced_));
    r.value = std::move(record);
  }
  return produced_ < count_;
}

}  // namespace {{name}}
)tmpl";

constexpr std::string_view kPlugin = R"tmpl(// The {{name}} plugin's manifest: its options and its factory.
#include <sluice/sdk.hpp>

#include "{{name}}.hpp"

namespace {

constexpr sluice::sdk::OptionSpec kOptions[] = {
    {"count", sluice::sdk::OptionType::integer, "10", false, "how many records to produce"},
};

}  // namespace

SLUICE_PLUGIN({{name}}::{{Name}}Source,
              {.name = "{{name}}",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::source,
               .threading = sluice::sdk::Threading::serial,
               .description = "produces a given number of numbered records",
               .options = kOptions})
)tmpl";

constexpr std::string_view kTest = R"tmpl(// Unit tests of the {{name}} source, run without the host.
#include <catch2/catch.hpp>
#include <sluice/sdk/testing.hpp>

#include <cstdint>
#include <vector>

#include "src/{{name}}.hpp"

namespace sdk = sluice::sdk;
namespace t = sluice::sdk::testing;

TEST_CASE("count records are produced in batches of the pipeline's batch_size", "[{{name}}]") {
  const uint32_t batch_size = 2;
  auto stage = t::make_stage<{{name}}::{{Name}}Source>("count: 5", "{{name}}", {}, sdk::SinkRole::records, batch_size);
  std::vector<int64_t> seen;
  uint64_t sequence = 0;
  bool more = true;
  while (more) {
    sdk::Batch batch(sequence++);
    more = stage.stage->next(batch);
    CHECK(batch.size() <= batch_size);
    for (const sdk::Record& r : batch.records()) seen.push_back(r.value.at("n").as_int64());
  }
  CHECK(seen == std::vector<int64_t>{1, 2, 3, 4, 5});
}

TEST_CASE("a negative count is refused with its position", "[{{name}}]") {
  CHECK_THROWS_AS(t::make_stage<{{name}}::{{Name}}Source>("count: -1"), sdk::ConfigError);
}
)tmpl";

constexpr std::string_view kPipeline =
    R"tmpl(# Runs the {{name}} source into a built-in sink. From this folder, after building:
#   sluice run pipeline.yaml --plugin-path build/plugins
name: {{name}}
source:
  plugin: {{name}}
  config: {count: 5}
sink:
  plugin: ndjson_sink
  config: {path: "${OUTPUT:-out.ndjson}"}
)tmpl";

}  // namespace

std::vector<TemplateFile> source_template_files() {
  return {{"src/{{name}}.hpp", kHeader},
          {"src/{{name}}.cpp", kSource},
          {"src/plugin.cpp", kPlugin},
          {"tests/{{name}}_test.cpp", kTest},
          {"pipeline.yaml", kPipeline}};
}

}  // namespace sluice::app
