// The files of a new sink plugin: a stage that writes records as JSON lines to a file.
#include "app/plugin_template.hpp"

namespace sluice::app {
namespace {

constexpr std::string_view kHeader =
    R"tmpl(// The {{name}} sink: writes every record it receives as one JSON line to a file.
#pragma once

#include <sluice/sdk.hpp>

#include <fstream>
#include <string>

namespace {{name}} {

// Serial, like every sink: the host calls write() one batch at a time, in source order.
class {{Name}}Sink final : public sluice::sdk::Sink {
 public:
  // Reads the options declared in plugin.cpp; throws ConfigError at the offending YAML position.
  // Opens nothing (so that `sluice check` writes nothing).
  void init(const sluice::sdk::InitContext& ctx) override;
  // Creates or truncates the output file.
  void start() override;
  // As the records sink: writes the value of every alive record. As the dead-letter sink: writes
  // {"line", "stage", "reason", "detail"} for every dead one. The output is handed to the OS
  // before it returns; throws when it cannot be written.
  void write(const sluice::sdk::Batch& batch) override;
  void stop() override;

 private:
  std::string path_;
  sluice::sdk::SinkRole role_ = sluice::sdk::SinkRole::records;
  std::ofstream out_;
};

}  // namespace {{name}}
)tmpl";

constexpr std::string_view kSource = R"tmpl(#include "{{name}}.hpp"

#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace {{name}} {
namespace sdk = sluice::sdk;

void {{Name}}Sink::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& config = ctx.config;
  path_ = config.at("path").as_string();
  if (path_.empty()) config.at("path").fail("path must not be empty");
  role_ = ctx.sink_role;
}

void {{Name}}Sink::start() {
  out_.open(path_, std::ios::binary | std::ios::trunc);
  if (!out_) throw std::runtime_error("{{name}}: cannot open " + path_);
}

void {{Name}}Sink::write(const sdk::Batch& batch) {
  for (const sdk::Record& r : batch.records()) {
    if (role_ == sdk::SinkRole::records && r.alive()) {
      out_ << r.value << '\n';
    } else if (role_ == sdk::SinkRole::dead_letters && r.fate == sdk::Fate::dead) {
      boost::json::object dead;
      dead["line"] = r.line;
      dead["stage"] = r.dead->stage;
      dead["reason"] = r.dead->reason;
      dead["detail"] = r.dead->detail;
      out_ << dead << '\n';
    }
  }
  out_.flush();
  if (!out_) throw std::runtime_error("{{name}}: cannot write " + path_);
}

void {{Name}}Sink::stop() {
  if (out_.is_open()) out_.close();
}

}  // namespace {{name}}
)tmpl";

constexpr std::string_view kPlugin = R"tmpl(// The {{name}} plugin's manifest: its options and its factory.
#include <sluice/sdk.hpp>

#include "{{name}}.hpp"

namespace {

constexpr sluice::sdk::OptionSpec kOptions[] = {
    {"path", sluice::sdk::OptionType::string, nullptr, true,
     "file to write, relative to the working directory (truncated at start)"},
};

}  // namespace

SLUICE_PLUGIN({{name}}::{{Name}}Sink,
              {.name = "{{name}}",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::sink,
               .threading = sluice::sdk::Threading::serial,
               .description = "writes records as JSON lines to a file",
               .options = kOptions})
)tmpl";

constexpr std::string_view kTest = R"tmpl(// Unit tests of the {{name}} sink, run without the host.
#include <catch2/catch.hpp>
#include <sluice/sdk/testing.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "src/{{name}}.hpp"

namespace sdk = sluice::sdk;
namespace t = sluice::sdk::testing;

namespace {
std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

TEST_CASE("each role writes its own records, one JSON line each", "[{{name}}]") {
  const auto dir = std::filesystem::temp_directory_path();
  const auto records = dir / "{{name}}_test_records.ndjson";
  const auto dead = dir / "{{name}}_test_dead.ndjson";
  using {{name}}::{{Name}}Sink;
  auto sink = t::make_stage<{{Name}}Sink>("path: " + records.string());
  auto dead_sink = t::make_stage<{{Name}}Sink>("path: " + dead.string(), "dead_letter", {}, sdk::SinkRole::dead_letters);
  sink.stage->start();
  dead_sink.stage->start();

  auto batch = t::make_json_batch({R"({"a":1})", R"({"a":2})"});
  batch->set_stage("parse");
  batch->dead_letter(batch->records()[1], "parse_error", "bad line");
  sink.stage->write(*batch);
  dead_sink.stage->write(*batch);
  sink.stage->stop();
  dead_sink.stage->stop();

  CHECK(read_text(records) == "{\"a\":1}\n");
  CHECK(read_text(dead) == "{\"line\":2,\"stage\":\"parse\",\"reason\":\"parse_error\",\"detail\":\"bad line\"}\n");
  std::filesystem::remove(records);
  std::filesystem::remove(dead);
}

TEST_CASE("a missing path is refused with its position", "[{{name}}]") {
  CHECK_THROWS_AS(t::make_stage<{{name}}::{{Name}}Sink>(""), sdk::ConfigError);
}
)tmpl";

constexpr std::string_view kPipeline =
    R"tmpl(# Runs the {{name}} sink after built-in plugins, for the records and the dead letters.
# From this folder, after building:
#   sluice run pipeline.yaml --plugin-path build/plugins
name: {{name}}
source:
  plugin: file_source
  config: {path: "${INPUT:-sample.ndjson}"}
stages:
  - name: parse
    plugin: json_parse
sink:
  plugin: {{name}}
  config: {path: "${OUTPUT:-out.ndjson}"}
dead_letter:
  plugin: {{name}}
  config: {path: "${DEAD_LETTER:-dead.ndjson}"}
)tmpl";

constexpr std::string_view kSample = R"tmpl({"id":1,"message":"hello"}
{"id":2,"message":"sluice plugins"}
not json
)tmpl";

}  // namespace

std::vector<TemplateFile> sink_template_files() {
  return {{"src/{{name}}.hpp", kHeader},      {"src/{{name}}.cpp", kSource}, {"src/plugin.cpp", kPlugin},
          {"tests/{{name}}_test.cpp", kTest}, {"pipeline.yaml", kPipeline},  {"sample.ndjson", kSample}};
}

}  // namespace sluice::app
