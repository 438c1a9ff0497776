// The schema_validate stage: config handling at init, dead letters in process(), and the
// reference workload's schema on hand-written normalized events.
#include "schema_validate.hpp"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sluice/sdk/testing.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace sdk = sluice::sdk;
namespace testing = sluice::sdk::testing;
using sluice::plugins::schema_validate::SchemaValidateStage;

const fs::path kPipelines = fs::path(SLUICE_SOURCE_DIR) / "pipelines";

// A schema file in the temp directory, removed when the test ends.
class TempSchema {
 public:
  explicit TempSchema(const std::string& text) {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("schema_validate_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".json");
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempSchema() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  std::string config() const { return "schema: " + path_.string(); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

// The init error of `config_yaml`; fails the test when init succeeds.
sdk::ConfigError init_error(const std::string& config_yaml, fs::path pipeline_dir = {}) {
  try {
    testing::make_stage<SchemaValidateStage>(config_yaml, "validate", std::move(pipeline_dir));
  } catch (const sdk::ConfigError& e) {
    return e;
  }
  FAIL("init succeeded for: " << config_yaml);
  throw;  // unreachable
}

// Runs the reference schema stage over one record; "" when it stays alive, else its detail.
std::string reference_detail(const std::string& record) {
  static auto stage = testing::make_stage<SchemaValidateStage>("schema: event.schema.json", "validate", kPipelines);
  auto batch = testing::make_json_batch({record});
  testing::run(*stage.stage, *batch, "validate");
  const sdk::Record& r = batch->records().front();
  if (r.alive()) return "";
  REQUIRE(r.fate == sdk::Fate::dead);
  CHECK(r.dead->reason == "validation_error");
  CHECK(r.dead->stage == "validate");
  return std::string(r.dead->detail);
}

// A normalized event (what the normalize stage hands to validation) valid for
// event.schema.json; `fields` replaces the parts that differ.
std::string event(const std::string& id = R"("id":"evt-000000000042")",
                  const std::string& user = R"("user":{"id":"u-17","country":"DE","plan":"pro"})",
                  const std::string& rest = R"("latency_ms":33.115,"amount":12.5,"tags":["promo","vip"])",
                  const std::string& timestamp = R"("timestamp_ms":1795651200123)",
                  const std::string& event_type = R"("event_type":"purchase")") {
  std::string s = "{";
  auto add = [&s](const std::string& part) {
    if (part.empty()) return;
    if (s.size() > 1) s += ',';
    s += part;
  };
  add(id);
  add(R"("source":"web")");
  add(timestamp);
  add(event_type);
  add(user);
  add(R"("session_id":"s-00ff00ff00ff00ff","url":"https://shop.example.com/p/12")");
  add(R"("user_agent":"Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0")");
  add(rest);
  add(R"("payload":{"ab":"variant-a","screen":{"w":390,"h":844}})");
  return s + "}";
}

}  // namespace

TEST_CASE("the reference schema accepts valid normalized events", "[schema_validate][reference]") {
  CHECK(reference_detail(event()) == "");
  // No amount, no tags, source unknown, integer latency, plan absent, extra members.
  CHECK(reference_detail(R"({"id":"evt-000000000001","source":"unknown","event_type":"page_view","timestamp_ms":0,)"
                         R"("user":{"id":"u","country":"XK"},"latency_ms":7,"extra":{"a":[1]}})") == "");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-17","country":"DE","plan":"pro"})",
                               R"("latency_ms":0.0,"amount":0,"tags":[])")) == "");
}

TEST_CASE("the reference schema rejects each failure the generator makes with its exact detail",
          "[schema_validate][reference]") {
  // invalidate() kind 0..9 in gen_events.py, after normalization.
  CHECK(reference_detail(event("")) == "/id: required");
  CHECK(reference_detail(event(R"("id":"evt-xxxxxxxxxxxx")")) == "/id: pattern");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-17","country":"DE"})",
                               R"("latency_ms":"33.115")")) == "/latency_ms: type");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-17","country":"DE"})",
                               R"("latency_ms":-34.115)")) == "/latency_ms: minimum");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-17","country":"DE"})",
                               R"("latency_ms":1)", R"("timestamp_ms":1795651200123)",
                               R"("event_type":"unknown_evt")")) == "/event_type: enum");
  // A ts that does not parse stays, and timestamp_ms is missing.
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-17","country":"DE"})",
                               R"("latency_ms":1)", R"("ts":"yesterday")")) == "/timestamp_ms: required");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-17","country":"GERMANY"})")) ==
        "/user/country: pattern");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-17","country":"DE"})",
                               R"("latency_ms":1,"tags":["promo","vip",42])")) == "/tags/2: type");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", "")) == "/user: required");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-17","country":"DE"})",
                               R"("latency_ms":1,"amount":-5.0)")) == "/amount: minimum");
}

TEST_CASE("the reference schema rejects other malformed events with their exact detail",
          "[schema_validate][reference]") {
  CHECK(reference_detail(R"([1,2])") == ": type");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"","country":"DE"})")) ==
        "/user/id: minLength");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-1"})")) == "/user/country: required");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-1","country":"DE","plan":"gold"})")) ==
        "/user/plan: enum");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-1","country":"DE"})",
                               R"("latency_ms":1,"tags":["a","b","c","d","e","f","g","h","i"])")) == "/tags: maxItems");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-1","country":"DE"})",
                               R"("latency_ms":1)", R"("timestamp_ms":1795651200123.5)")) == "/timestamp_ms: type");
  CHECK(reference_detail(event(R"("id":"evt-000000000042")", R"("user":{"id":"u-1","country":"DE"})",
                               R"("latency_ms":1)", R"("timestamp_ms":1.7956512e12)")) == "");
}

TEST_CASE("process dead-letters only failing alive records, with the configured reason", "[schema_validate][stage]") {
  TempSchema schema(R"({"type":"object","properties":{"n":{"type":"integer","maximum":10}}})");
  auto stage = testing::make_stage<SchemaValidateStage>(schema.config() + "\nreason: schema_mismatch", "check");
  auto batch = testing::make_json_batch({R"({"n":1})", R"({"n":11})", R"({"n":12})", R"({"n":"x"})", R"("s")"});
  auto& records = batch->records();
  batch->filter(records[2]);  // not alive: must stay as it is
  testing::run(*stage.stage, *batch, "check");

  CHECK(records[0].fate == sdk::Fate::alive);
  CHECK(records[2].fate == sdk::Fate::filtered);
  auto dead = testing::with_fate(*batch, sdk::Fate::dead);
  REQUIRE(dead.size() == 3);
  CHECK(dead[0]->dead->detail == "/n: maximum");
  CHECK(dead[1]->dead->detail == "/n: type");
  CHECK(dead[2]->dead->detail == ": type");
  for (const sdk::Record* r : dead) {
    CHECK(r->dead->reason == "schema_mismatch");
    CHECK(r->dead->stage == "check");
  }
  CHECK(batch->counts().dead == 3);
  CHECK(records[1].value.at("n").as_int64() == 11);  // the value is left untouched
}

TEST_CASE("the schema path resolves against the pipeline directory", "[schema_validate][config]") {
  auto stage = testing::make_stage<SchemaValidateStage>("schema: event.schema.json", "v", kPipelines);
  auto batch = testing::make_json_batch({"{}"});
  testing::run(*stage.stage, *batch, "v");
  REQUIRE(batch->records()[0].dead);
  CHECK(batch->records()[0].dead->detail == "/id: required");
}

TEST_CASE("a missing schema option is a config error", "[schema_validate][config]") {
  CHECK_THAT(init_error("reason: x").what(), Catch::Contains("schema"));
  CHECK_THAT(init_error("").what(), Catch::Contains("schema"));
}

TEST_CASE("an unreadable schema file is a config error naming the path at the option", "[schema_validate][config]") {
  sdk::ConfigError e = init_error("reason: r\nschema: no_such_schema.json", "/nonexistent_dir");
  CHECK_THAT(e.what(), Catch::Contains("/nonexistent_dir/no_such_schema.json"));
  CHECK(e.mark().line == 2);
  CHECK(e.mark().column == 9);
  CHECK_THAT(init_error("schema: " + fs::temp_directory_path().string()).what(), Catch::Contains("directory"));
}

TEST_CASE("a schema file that is not valid JSON is a config error with its position", "[schema_validate][config]") {
  TempSchema trailing_comma("{\n  \"type\": \"object\",\n}");
  sdk::ConfigError e = init_error(trailing_comma.config());
  CHECK_THAT(e.what(),
             Catch::Contains(trailing_comma.path()) && Catch::Contains("not valid JSON") && Catch::Contains("line 3"));
  CHECK(e.mark().line == 1);
  TempSchema two_documents("{} {}");
  CHECK_THAT(init_error(two_documents.config()).what(), Catch::Contains("after the document"));
  TempSchema empty("");
  CHECK_THAT(init_error(empty.config()).what(), Catch::Contains("not valid JSON"));
}

TEST_CASE("an unsupported keyword is a config error naming it and its pointer at the option",
          "[schema_validate][config]") {
  TempSchema schema(R"({"type":"object","properties":{"id":{"type":"string","format":"uuid"}}})");
  sdk::ConfigError e = init_error("reason: r\nschema: " + schema.path());
  CHECK_THAT(e.what(),
             Catch::Contains("'format'") && Catch::Contains("/properties/id/format") && Catch::Contains(schema.path()));
  CHECK(e.mark().line == 2);
  CHECK(e.mark().column == 9);

  TempSchema ref(R"({"$ref":"#/$defs/x"})");
  CHECK_THAT(init_error(ref.config()).what(), Catch::Contains("'$ref'") && Catch::Contains("at /$ref"));
}

TEST_CASE("a pattern RE2 cannot compile is a config error", "[schema_validate][config]") {
  TempSchema schema(R"({"properties":{"a":{"pattern":"(?<=x)y"}}})");
  CHECK_THAT(init_error(schema.config()).what(), Catch::Contains("/properties/a/pattern") && Catch::Contains("RE2"));
}

TEST_CASE("an empty reason is a config error", "[schema_validate][config]") {
  TempSchema schema("true");
  sdk::ConfigError e = init_error(schema.config() + "\nreason: \"\"");
  CHECK(e.mark().line == 2);
}

TEST_CASE("concurrent process calls on different batches give the same results", "[schema_validate][stage]") {
  auto stage = testing::make_stage<SchemaValidateStage>("schema: event.schema.json", "v", kPipelines);
  std::vector<std::string> lines;
  for (int i = 0; i < 200; ++i) lines.push_back(i % 3 == 0 ? event(R"("id":"evt-x")") : event());
  std::vector<std::unique_ptr<sdk::Batch>> batches;
  for (int t = 0; t < 4; ++t) batches.push_back(testing::make_json_batch(lines, t));
  std::vector<std::thread> threads;
  for (auto& b : batches) threads.emplace_back([&stage, &b] { testing::run(*stage.stage, *b, "v"); });
  for (auto& t : threads) t.join();
  for (auto& b : batches) {
    CHECK(b->counts().dead == 67);
    for (const sdk::Record* r : testing::with_fate(*b, sdk::Fate::dead)) CHECK(r->dead->detail == "/id: pattern");
  }
}
