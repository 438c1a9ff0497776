#include "normalize.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <sluice/sdk/testing.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace sdk = sluice::sdk;
namespace testing = sluice::sdk::testing;
namespace json = boost::json;
using sluice::plugins::normalize::NormalizeStage;

namespace {

// The reference pipeline's normalize step.
constexpr const char* kReferenceConfig = R"(
operations:
  - {op: rename, from: src, to: source}
  - {op: default, field: source, value: unknown}
  - {op: lowercase, field: event_type}
  - {op: trim, field: user.country}
  - {op: uppercase, field: user.country}
  - {op: parse_timestamp, field: ts, to: timestamp_ms, format: rfc3339, remove_source: true}
)";

// Runs `config` over records given as JSON lines; returns the batch.
std::unique_ptr<sdk::Batch> normalize(std::string_view config, const std::vector<std::string>& lines) {
  auto stage = testing::make_stage<NormalizeStage>(config, "normalize");
  auto batch = testing::make_json_batch(lines);
  testing::run(*stage.stage, *batch, "normalize");
  return batch;
}

// Normalizes one record and returns its value as JSON text (keys in their order).
std::string normalize_one(std::string_view config, const std::string& line) {
  auto batch = normalize(config, {line});
  REQUIRE(batch->records()[0].alive());
  return json::serialize(batch->records()[0].value);
}

}  // namespace

TEST_CASE("the reference normalize step on hand-written records", "[normalize][reference]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // A generator record: src renamed (moved to the end), event_type lower-cased, country
      // upper-cased, ts parsed and removed.
      {R"({"id":"evt-1","src":"api","ts":"2026-11-26T00:00:00.000Z","event_type":"Page_View","user":{"id":"u-1","country":"co","plan":"pro"},"latency_ms":87.706})",
       R"({"id":"evt-1","event_type":"page_view","user":{"id":"u-1","country":"CO","plan":"pro"},"latency_ms":8.7706E1,"source":"api","timestamp_ms":1795651200000})"},
      // An escaped key arrives decoded: "s\u0072c" is src.
      {R"({"s\u0072c":"web","ts":"2026-11-26T00:00:02.122Z","event_type":"SEARCH","user":{"country":"DE"}})",
       R"({"event_type":"search","user":{"country":"DE"},"source":"web","timestamp_ms":1795651202122})"},
      // src and source both present: src wins and replaces source in place.
      {R"({"src":"ios","source":"old","event_type":"click"})", R"({"source":"ios","event_type":"click"})"},
      // src of any type is renamed.
      {R"({"src":42})", R"({"source":42})"},
      {R"({"src":null})", R"({"source":null})"},
      {R"({"src":{"k":[1]}})", R"({"source":{"k":[1]}})"},
      // Neither src nor source: the default.
      {R"({"id":"x"})", R"({"id":"x","source":"unknown"})"},
      // source alone stays.
      {R"({"source":"android"})", R"({"source":"android"})"},
      // Country with white space around it, of every ASCII kind.
      {R"({"source":"a","user":{"country":" de "}})", R"({"source":"a","user":{"country":"DE"}})"},
      {R"({"source":"a","user":{"country":"\t\n\u000b\f\r fr \r"}})", R"({"source":"a","user":{"country":"FR"}})"},
      // A numeric country, a user that is not an object: left for validation.
      {R"({"source":"a","user":{"country":49}})", R"({"source":"a","user":{"country":49}})"},
      {R"({"source":"a","user":"DE"})", R"({"source":"a","user":"DE"})"},
      // ts that is not an RFC 3339 string stays; no timestamp_ms appears.
      {R"({"source":"a","ts":1795651200000})", R"({"source":"a","ts":1795651200000})"},
      {R"({"source":"a","ts":"2026-02-30T00:00:00Z"})", R"({"source":"a","ts":"2026-02-30T00:00:00Z"})"},
      {R"({"source":"a","ts":""})", R"({"source":"a","ts":""})"},
      // A bad ts leaves an existing timestamp_ms alone...
      {R"({"source":"a","ts":"yesterday","timestamp_ms":5})", R"({"source":"a","ts":"yesterday","timestamp_ms":5})"},
      // ...and a good one replaces it.
      {R"({"source":"a","timestamp_ms":"bogus","ts":"2026-11-26T02:00:00.500+02:00"})",
       R"({"source":"a","timestamp_ms":1795651200500})"},
      // event_type: strings only, ASCII letters only.
      {R"({"source":"a","event_type":["CLICK"]})", R"({"source":"a","event_type":["CLICK"]})"},
      {"{\"source\":\"a\",\"event_type\":\"\xC3\x89V\xC3\x89NEMENT_A\"}",
       "{\"source\":\"a\",\"event_type\":\"\xC3\x89v\xC3\x89nement_a\"}"},
  };
  std::vector<std::string> lines;
  for (const auto& [in, out] : cases) lines.push_back(in);
  auto batch = normalize(kReferenceConfig, lines);
  REQUIRE(batch->size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].first);
    CHECK(batch->records()[i].alive());
    CHECK(json::serialize(batch->records()[i].value) == cases[i].second);
  }
  CHECK(batch->counts().dead == 0);
  CHECK(batch->counts().filtered == 0);
}

TEST_CASE("values normalize creates live in the batch arena", "[normalize]") {
  auto batch = normalize(kReferenceConfig, {R"({"id":"x","ts":"2026-11-26T00:00:00Z","user":{}})"});
  const json::object& o = batch->records()[0].value.as_object();
  CHECK(o.at("source").storage().get() == batch->storage().get());
  CHECK(o.at("timestamp_ms").storage().get() == batch->storage().get());
  CHECK(o.at("timestamp_ms").is_int64());
}

TEST_CASE("only alive object records are normalized", "[normalize]") {
  auto stage = testing::make_stage<NormalizeStage>(kReferenceConfig, "normalize");
  auto batch = testing::make_json_batch({R"({"src":"a"})", R"({"src":"b"})", R"([{"src":"c"}])", R"("s")"});
  batch->dead_letter(batch->records()[1], "parse_error", "test");
  testing::run(*stage.stage, *batch, "normalize");
  CHECK(json::serialize(batch->records()[0].value) == R"({"source":"a"})");
  CHECK(json::serialize(batch->records()[1].value) == R"({"src":"b"})");
  CHECK(json::serialize(batch->records()[2].value) == R"([{"src":"c"}])");
  CHECK(batch->records()[3].value.as_string() == "s");
}

TEST_CASE("operations run in the order written", "[normalize]") {
  CHECK(normalize_one("operations: [{op: rename, from: src, to: source}, {op: lowercase, field: source}]",
                      R"({"src":"WEB"})") == R"({"source":"web"})");
  CHECK(normalize_one("operations: [{op: lowercase, field: source}, {op: rename, from: src, to: source}]",
                      R"({"src":"WEB"})") == R"({"source":"WEB"})");
}

TEST_CASE("rename moves any value along dotted paths", "[normalize][rename]") {
  const char* nested = "operations: [{op: rename, from: meta.src, to: info.source}]";
  CHECK(normalize_one(nested, R"({"meta":{"src":"a","x":1}})") == R"({"meta":{"x":1},"info":{"source":"a"}})");
  CHECK(normalize_one(nested, R"({"meta":{"x":1}})") == R"({"meta":{"x":1}})");  // absent: no parent made
  CHECK(normalize_one(nested, R"({"meta":"src"})") == R"({"meta":"src"})");
  CHECK(normalize_one(nested, R"({"meta":{"src":1},"info":"text"})") == R"({"meta":{"src":1},"info":"text"})");
  CHECK(normalize_one(nested, R"({"meta":{"src":1},"info":{"source":0,"y":2}})") ==
        R"({"meta":{},"info":{"source":1,"y":2}})");
  // Wrapping a value under its own name, and lifting a child over its parent.
  CHECK(normalize_one("operations: [{op: rename, from: a, to: a.b}]", R"({"a":"v","z":0})") ==
        R"({"z":0,"a":{"b":"v"}})");
  CHECK(normalize_one("operations: [{op: rename, from: a.b, to: a}]", R"({"a":{"b":"v","c":1}})") == R"({"a":"v"})");
  // The order of the other keys is kept.
  CHECK(normalize_one("operations: [{op: rename, from: b, to: z}]", R"({"a":1,"b":2,"c":3,"d":4})") ==
        R"({"a":1,"c":3,"d":4,"z":2})");
}

TEST_CASE("default sets a typed value only where the field is absent", "[normalize][default]") {
  auto with_default = [](const std::string& value) {
    return normalize_one("operations: [{op: default, field: f, value: " + value + "}]", "{}");
  };
  CHECK(with_default("unknown") == R"({"f":"unknown"})");
  CHECK(with_default("\"12\"") == R"({"f":"12"})");
  CHECK(with_default("'true'") == R"({"f":"true"})");
  CHECK(with_default("12") == R"({"f":12})");
  CHECK(with_default("-7") == R"({"f":-7})");
  CHECK(with_default("18446744073709551615") == R"({"f":18446744073709551615})");
  CHECK(with_default("1.5") == R"({"f":1.5E0})");
  CHECK(with_default("true") == R"({"f":true})");
  CHECK(with_default("false") == R"({"f":false})");
  CHECK(with_default("null") == R"({"f":null})");
  CHECK(with_default("~") == R"({"f":null})");
  CHECK(with_default("no") == R"({"f":"no"})");  // not a YAML 1.1 boolean: NO is Norway
  CHECK(with_default("0x1A") == R"({"f":"0x1A"})");
  CHECK(with_default("[1, a]") == R"({"f":[1,"a"]})");
  CHECK(with_default("{k: v}") == R"({"f":{"k":"v"}})");

  auto batch =
      normalize("operations: [{op: default, field: f, value: 12}, {op: default, field: g, value: 1.5}]", {"{}"});
  CHECK(batch->records()[0].value.at("f").is_int64());
  CHECK(batch->records()[0].value.at("g").is_double());

  const char* config = "operations: [{op: default, field: a.b, value: x}]";
  CHECK(normalize_one(config, R"({"a":{"b":null}})") == R"({"a":{"b":null}})");  // null is present
  CHECK(normalize_one(config, R"({"a":{"b":0}})") == R"({"a":{"b":0}})");
  CHECK(normalize_one(config, R"({})") == R"({"a":{"b":"x"}})");  // parents created
  CHECK(normalize_one(config, R"({"a":[]})") == R"({"a":[]})");   // parent not an object
}

TEST_CASE("lowercase and uppercase change ASCII letters of strings only", "[normalize][case]") {
  const char* lower = "operations: [{op: lowercase, field: s}]";
  const char* upper = "operations: [{op: uppercase, field: s}]";
  CHECK(normalize_one(lower, R"({"s":"AbC-XyZ_09@[`{"})") == R"({"s":"abc-xyz_09@[`{"})");
  CHECK(normalize_one(upper, R"({"s":"AbC-xyz_09@[`{"})") == R"({"s":"ABC-XYZ_09@[`{"})");
  CHECK(normalize_one(upper, "{\"s\":\"\xC3\xA9t\xC3\xA9\"}") == "{\"s\":\"\xC3\xA9T\xC3\xA9\"}");
  CHECK(normalize_one(upper, R"({"s":5})") == R"({"s":5})");
  CHECK(normalize_one(upper, R"({"s":null})") == R"({"s":null})");
  CHECK(normalize_one(upper, R"({"t":"x"})") == R"({"t":"x"})");
  CHECK(normalize_one(upper, R"({"s":""})") == R"({"s":""})");
}

TEST_CASE("trim strips ASCII white space of strings only", "[normalize][trim]") {
  const char* trim = "operations: [{op: trim, field: s}]";
  CHECK(normalize_one(trim, R"({"s":" \t a b \n\u000b\f\r"})") == R"({"s":"a b"})");
  CHECK(normalize_one(trim, R"({"s":"ab"})") == R"({"s":"ab"})");
  CHECK(normalize_one(trim, R"({"s":"   "})") == R"({"s":""})");
  CHECK(normalize_one(trim, R"({"s":"x  "})") == R"({"s":"x"})");
  CHECK(normalize_one(trim, R"({"s":"  x"})") == R"({"s":"x"})");
  CHECK(normalize_one(trim, "{\"s\":\"\xC2\xA0x\xC2\xA0\"}") == "{\"s\":\"\xC2\xA0x\xC2\xA0\"}");  // U+00A0 kept
  CHECK(normalize_one(trim, R"({"s":"\u0000x\u0000"})") == R"({"s":"\u0000x\u0000"})");
  CHECK(normalize_one(trim, R"({"s":[" x "]})") == R"({"s":[" x "]})");
  // A long string (beyond any inline storage) trims in place.
  CHECK(normalize_one(trim, R"({"s":"  )" + std::string(100, 'y') + R"(  "})") ==
        R"({"s":")" + std::string(100, 'y') + R"("})");
}

TEST_CASE("parse_timestamp writes milliseconds and handles its options", "[normalize][timestamp]") {
  CHECK(normalize_one("operations: [{op: parse_timestamp, field: ts, to: ms, remove_source: false}]",
                      R"({"ts":"1970-01-01T00:00:01Z"})") == R"({"ts":"1970-01-01T00:00:01Z","ms":1000})");
  CHECK(normalize_one("operations: [{op: parse_timestamp, field: ts, to: ms}]",  // remove_source defaults to true
                      R"({"ts":"1970-01-01T00:00:01Z","x":1})") == R"({"x":1,"ms":1000})");
  CHECK(normalize_one("operations: [{op: parse_timestamp, field: ts, to: ts}]",
                      R"({"a":0,"ts":"1969-12-31T23:59:59Z","b":1})") == R"({"a":0,"ts":-1000,"b":1})");
  CHECK(normalize_one("operations: [{op: parse_timestamp, field: event.time, to: time.ms}]",
                      R"({"event":{"time":"1970-01-01T00:00:00.002Z"}})") == R"({"event":{},"time":{"ms":2}})");
  CHECK(normalize_one("operations: [{op: parse_timestamp, field: time.iso, to: time}]",
                      R"({"time":{"iso":"1970-01-01T00:00:00.002Z"}})") == R"({"time":2})");
  // A target that cannot be written leaves the source where it is.
  CHECK(normalize_one("operations: [{op: parse_timestamp, field: ts, to: meta.ms}]",
                      R"({"ts":"1970-01-01T00:00:00Z","meta":7})") == R"({"ts":"1970-01-01T00:00:00Z","meta":7})");
  CHECK(normalize_one("operations: [{op: parse_timestamp, field: ts, to: ms}]", R"({"ts":"1970-01-01t00:00:00z"})") ==
        R"({"ts":"1970-01-01t00:00:00z"})");
}

TEST_CASE("batches can be normalized concurrently by one stage", "[normalize]") {
  auto stage = testing::make_stage<NormalizeStage>(kReferenceConfig, "normalize");
  std::vector<std::unique_ptr<sdk::Batch>> batches;
  for (int b = 0; b < 4; ++b) {
    std::vector<std::string> lines(
        500, R"({"src":"web","ts":"2026-11-26T00:00:00.000Z","event_type":"CLICK","user":{"country":" de "}})");
    batches.push_back(testing::make_json_batch(lines, b));
  }
  std::vector<std::thread> threads;
  for (auto& b : batches) threads.emplace_back([&stage, &b] { testing::run(*stage.stage, *b, "normalize"); });
  for (auto& t : threads) t.join();
  for (auto& b : batches)
    for (const sdk::Record& r : b->records())
      REQUIRE(json::serialize(r.value) ==
              R"({"event_type":"click","user":{"country":"DE"},"source":"web","timestamp_ms":1795651200000})");
}

TEST_CASE("records whose keys move from one to the next are normalized as if each were alone", "[normalize]") {
  // Lookups start where the previous record had the key; these records move, drop and nest
  // the keys the reference step reads, so that a stale position is tried for every one.
  const std::vector<std::string> shapes = {
      R"({"id":"a","src":"web","ts":"2026-11-26T00:00:00Z","event_type":"Click","user":{"id":"u","country":" se "}})",
      R"({"ts":"2026-11-26T00:00:01Z","src":"ios","user":{"country":"de","id":"u"},"event_type":"SEARCH","id":"b"})",
      R"({"extra":1,"more":2,"id":"c","source":"api","event_type":"Purchase","user":{"plan":"pro","id":"u","country":"fr"}})",
      R"({"event_type":"Signup","id":"d"})",
      R"({"user":"not an object","src":null,"ts":"bad"})",
      R"({"id":"e","src":"web","ts":"2026-11-26T00:00:02.5Z","event_type":"Page_View","user":{"country":"us"},"timestamp_ms":1})",
      R"({"src":"android","source":"old","user":{"country":"br","nested":{"country":"x"}},"event_type":7})",
      R"({})",
  };
  std::vector<std::string> lines;
  std::mt19937 rng(11);
  for (int i = 0; i < 300; ++i) lines.push_back(shapes[rng() % shapes.size()]);

  auto batch = normalize(kReferenceConfig, lines);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CAPTURE(i, lines[i]);
    CHECK(json::serialize(batch->records()[i].value) == normalize_one(kReferenceConfig, lines[i]));
  }
}
