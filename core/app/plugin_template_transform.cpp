// The files of a new transform plugin: a reentrant stage that upper-cases one string field.
#include "app/plugin_template.hpp"

namespace sluice::app {
namespace {

constexpr std::string_view kHeader = R"tmpl(// The {{name}} stage: upper-cases one string field of every record.
#pragma once

#include <sluice/sdk.hpp>

#include <string>

namespace {{name}} {

// Reentrant: after init() the stage only reads its options, so the host may run process() on
// several batches at once, from several threads.
class {{Name}}Stage final : public sluice::sdk::Transform {
 public:
  // Reads the options declared in plugin.cpp; throws ConfigError at the offending YAML position.
  void init(const sluice::sdk::InitContext& ctx) override;
  // Upper-cases the ASCII letters of `field` in every alive record, in place. A record whose
  // field is not a string goes to the dead letter (reason `not_a_string`); a record without the
  // field passes unchanged.
  void process(sluice::sdk::Batch& batch) override;

 private:
  std::string field_;
};

}  // namespace {{name}}
)tmpl";

constexpr std::string_view kSource = R"tmpl(#include "{{name}}.hpp"

namespace {{name}} {
namespace sdk = sluice::sdk;

void {{Name}}Stage::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& config = ctx.config;
  if (!config.is_null() && !config.is_map())
    config.fail("{{name}} config must be a map, found " + config.type_name());
  field_ = config.get_string("field", "message");
  if (field_.empty()) config.at("field").fail("field must not be empty");
  // Field pruning: this stage reads one top-level field, so the stages before it may skip
  // computing the others. Declaring nothing would mean "reads every field".
  if (ctx.field_use != nullptr) {
    sdk::FieldSet reads;
    reads.add(field_);
    ctx.field_use->reads(reads);
  }
}

void {{Name}}Stage::process(sdk::Batch& batch) {
  for (sdk::Record& r : batch.records()) {
    if (!r.alive()) continue;
    boost::json::object* object = r.value.if_object();
    boost::json::value* value = object ? object->if_contains(field_) : nullptr;
    if (value == nullptr) continue;
    boost::json::string* text = value->if_string();
    if (text == nullptr) {
      batch.dead_letter(r, "not_a_string", "/" + field_ + ": not a string");
      continue;
    }
    // The string lives in the batch arena: changing it in place allocates nothing.
    for (char& c : *text)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
}

}  // namespace {{name}}
)tmpl";

constexpr std::string_view kPlugin = R"tmpl(// The {{name}} plugin's manifest: its options and its factory.
#include <sluice/sdk.hpp>

#include "{{name}}.hpp"

namespace {

constexpr sluice::sdk::OptionSpec kOptions[] = {
    {"field", sluice::sdk::OptionType::string, "message", false, "the string field to upper-case"},
};

}  // namespace

SLUICE_PLUGIN({{name}}::{{Name}}Stage,
              {.name = "{{name}}",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::transform,
               .threading = sluice::sdk::Threading::reentrant,
               .description = "upper-cases one string field",
               .options = kOptions})
)tmpl";

constexpr std::string_view kTest = R"tmpl(// Unit tests of the {{name}} stage, run without the host.
#include <catch2/catch.hpp>
#include <sluice/sdk/testing.hpp>

#include "src/{{name}}.hpp"

namespace sdk = sluice::sdk;
namespace t = sluice::sdk::testing;

TEST_CASE("the field is upper-cased in place and other records pass unchanged", "[{{name}}]") {
  auto stage = t::make_stage<{{name}}::{{Name}}Stage>("field: message");
  auto batch = t::make_json_batch({R"({"message":"hello, world"})", R"({"other":1})"});
  t::run(*stage.stage, *batch);
  CHECK(batch->records()[0].value.at("message").as_string() == "HELLO, WORLD");
  CHECK(batch->records()[1].alive());
  CHECK(batch->counts().dead == 0);
}

TEST_CASE("a field that is not a string is dead-lettered", "[{{name}}]") {
  auto stage = t::make_stage<{{name}}::{{Name}}Stage>("");  // field defaults to message
  auto batch = t::make_json_batch({R"({"message":42})"});
  t::run(*stage.stage, *batch, "{{name}}");
  REQUIRE(t::with_fate(*batch, sdk::Fate::dead).size() == 1);
  CHECK(batch->records()[0].dead->reason == "not_a_string");
  CHECK(batch->records()[0].dead->stage == "{{name}}");
}

TEST_CASE("the stage declares the one field it reads", "[{{name}}]") {
  auto stage = t::make_stage<{{name}}::{{Name}}Stage>("field: title");
  CHECK(stage.use.declared());
  CHECK(stage.use.read_fields().names() == std::vector<std::string>{"title"});
}

TEST_CASE("a bad config is refused with its position", "[{{name}}]") {
  CHECK_THROWS_AS(t::make_stage<{{name}}::{{Name}}Stage>("[1, 2]"), sdk::ConfigError);
  CHECK_THROWS_AS(t::make_stage<{{name}}::{{Name}}Stage>("field: ''"), sdk::ConfigError);
}
)tmpl";

constexpr std::string_view kPipeline =
    R"tmpl(# Runs the {{name}} stage between built-in plugins. From this folder, after building:
#   sluice run pipeline.yaml --plugin-path build/plugins
name: {{name}}
source:
  plugin: file_source
  config: {path: "${INPUT:-sample.ndjson}"}
stages:
  - name: parse
    plugin: json_parse
  - name: {{name}}
    plugin: {{name}}
    config: {field: message}
sink:
  plugin: ndjson_sink
  config: {path: "${OUTPUT:-out.ndjson}"}
dead_letter:
  plugin: ndjson_sink
  config: {path: "${DEAD_LETTER:-dead.ndjson}"}
)tmpl";

constexpr std::string_view kSample = R"tmpl({"id":1,"message":"hello"}
{"id":2,"message":"sluice plugins"}
{"id":3}
{"id":4,"message":404}
)tmpl";

}  // namespace

std::vector<TemplateFile> transform_template_files() {
  return {{"src/{{name}}.hpp", kHeader},      {"src/{{name}}.cpp", kSource}, {"src/plugin.cpp", kPlugin},
          {"tests/{{name}}_test.cpp", kTest}, {"pipeline.yaml", kPipeline},  {"sample.ndjson", kSample}};
}

}  // namespace sluice::app
