#include "operation_config.hpp"

#include <catch2/catch.hpp>
#include <sluice/sdk/testing.hpp>
#include <string>

#include "normalize.hpp"

namespace sdk = sluice::sdk;
namespace testing = sluice::sdk::testing;
using sluice::plugins::normalize::closest_match;
using sluice::plugins::normalize::NormalizeStage;
using sluice::plugins::normalize::OpKind;

namespace {

// The ConfigError init() raises for `yaml`; fails the test when there is none.
sdk::ConfigError config_error(const std::string& yaml) {
  try {
    testing::make_stage<NormalizeStage>(yaml);
  } catch (const sdk::ConfigError& e) {
    return e;
  }
  FAIL("config accepted: " << yaml);
  throw;  // unreachable
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a valid config compiles every operation in order", "[normalize][config]") {
  auto t = testing::make_stage<NormalizeStage>(R"(
operations:
  - {op: rename, from: src, to: source}
  - {op: default, field: source, value: unknown}
  - op: lowercase
    field: event_type
  - {op: uppercase, field: user.country}
  - {op: trim, field: user.country}
  - {op: parse_timestamp, field: ts, to: timestamp_ms, format: rfc3339, remove_source: false}
)");
  const auto& ops = t.stage->operations();
  REQUIRE(ops.size() == 6);
  CHECK(ops[0].kind == OpKind::rename);
  CHECK(ops[0].field.text() == "src");
  CHECK(ops[0].to.text() == "source");
  CHECK(ops[1].kind == OpKind::set_default);
  CHECK(ops[1].value.as_string() == "unknown");
  CHECK(ops[2].kind == OpKind::lowercase);
  CHECK(ops[3].kind == OpKind::uppercase);
  CHECK(ops[3].field.key() == "country");
  CHECK(ops[4].kind == OpKind::trim);
  CHECK(ops[5].kind == OpKind::parse_timestamp);
  CHECK_FALSE(ops[5].remove_source);
}

TEST_CASE("an unknown op is an error at the op, with a suggestion", "[normalize][config]") {
  auto e = config_error("operations:\n  - {op: lowercse, field: a}\n");
  CHECK(e.mark().line == 2);
  CHECK(e.mark().column == 10);
  CHECK(contains(e.what(), "unknown op 'lowercse'"));
  CHECK(e.hint() == "did you mean 'lowercase'?");
  auto far = config_error("operations:\n  - {op: explode, field: a}\n");
  CHECK(contains(far.hint(), "expected one of: rename, default, lowercase, uppercase, trim, parse_timestamp"));
  CHECK(contains(config_error("operations:\n  - {op: parse_timestamps, field: a, to: b}\n").hint(),
                 "did you mean 'parse_timestamp'?"));
}

TEST_CASE("an unknown key in an operation is an error at the key", "[normalize][config]") {
  auto e = config_error("operations:\n  - op: trim\n    fild: a\n");
  CHECK(e.mark().line == 3);
  CHECK(e.mark().column == 5);
  CHECK(contains(e.what(), "unknown key 'fild' in operation 'trim'"));
  CHECK(e.hint() == "did you mean 'field'?");
  CHECK(contains(config_error("operations:\n  - {op: trim, field: a, to: b}\n").what(), "unknown key 'to'"));
  CHECK(contains(config_error("operation:\n  - {op: trim, field: a}\n").hint(), "did you mean 'operations'?"));
}

TEST_CASE("missing keys are errors at the operation", "[normalize][config]") {
  auto e = config_error("operations:\n  - {op: rename, from: a}\n");
  CHECK(e.mark().line == 2);
  CHECK(contains(e.what(), "missing required key 'to' in operation 'rename'"));
  CHECK(contains(config_error("operations:\n  - {field: a}\n").what(), "operation has no 'op'"));
  CHECK(contains(config_error("operations:\n  - {op: trim}\n").what(), "missing required key 'field'"));
  CHECK(contains(config_error("operations:\n  - {op: trim, field: }\n").what(), "missing required key 'field'"));
  CHECK(contains(config_error("operations:\n  - {op: default, field: a}\n").what(), "missing required key 'value'"));
  CHECK(contains(config_error("operations:\n  - {op: parse_timestamp, field: ts}\n").what(),
                 "missing required key 'to'"));
  CHECK(contains(config_error("{}").what(), "missing required key 'operations'"));
  CHECK(contains(config_error("").what(), "normalize needs a config map"));
}

TEST_CASE("values of the wrong type are errors at the value", "[normalize][config]") {
  auto e = config_error("operations:\n  - {op: trim, field: [a, b]}\n");
  CHECK(e.mark().line == 2);
  CHECK(e.mark().column == 23);
  CHECK(contains(e.what(), "expected a string"));
  CHECK(contains(config_error("operations: {op: trim}").what(), "'operations' must be a list"));
  CHECK(contains(config_error("operations: []").what(), "'operations' is empty"));
  CHECK(contains(config_error("operations: [trim]").what(), "each operation must be a map"));
  CHECK(contains(config_error("operations: [{op: [trim], field: a}]").what(), "expected a string"));
  CHECK(contains(config_error("operations: [{op: parse_timestamp, field: a, to: b, remove_source: maybe}]").what(),
                 "expected true or false"));
  auto format = config_error("operations:\n  - {op: parse_timestamp, field: a, to: b, format: iso8601}\n");
  CHECK(contains(format.what(), "unknown timestamp format 'iso8601'"));
  CHECK(format.mark().line == 2);
}

TEST_CASE("field paths and pointless operations are checked", "[normalize][config]") {
  CHECK(contains(config_error("operations: [{op: trim, field: 'a..b'}]").what(), "has an empty key"));
  CHECK(contains(config_error("operations: [{op: trim, field: '.a'}]").what(), "has an empty key"));
  CHECK(contains(config_error("operations: [{op: trim, field: 'a.'}]").what(), "has an empty key"));
  CHECK(contains(config_error("operations: [{op: trim, field: ''}]").what(), "must not be empty"));
  CHECK(contains(config_error("operations: [{op: rename, from: a.b, to: a.b}]").what(), "to itself"));
  CHECK(contains(config_error("operations: [{op: parse_timestamp, field: ts, to: ts.ms}]").what(),
                 "lies inside the timestamp string"));
}

TEST_CASE("default values that JSON cannot hold are errors", "[normalize][config]") {
  CHECK(contains(config_error("operations: [{op: default, field: a, value: .inf}]").what(), "cannot be a JSON value"));
  CHECK(contains(config_error("operations: [{op: default, field: a, value: -.inf}]").what(), "cannot be a JSON value"));
  CHECK(contains(config_error("operations: [{op: default, field: a, value: .nan}]").what(), "cannot be a JSON value"));
  CHECK(contains(config_error("operations: [{op: default, field: a, value: 1e999}]").what(), "out of range"));
  CHECK(contains(config_error("operations: [{op: default, field: a, value: -99999999999999999999}]").what(),
                 "out of range"));
  CHECK_NOTHROW(testing::make_stage<NormalizeStage>("operations: [{op: default, field: a, value: '.inf'}]"));
}

TEST_CASE("closest_match suggests only near misses", "[normalize][config]") {
  CHECK(closest_match("lowercse", {"lowercase", "uppercase"}) == "lowercase");
  CHECK(closest_match("uppercas", {"lowercase", "uppercase"}) == "uppercase");
  CHECK(closest_match("fild", {"op", "field"}) == "field");
  CHECK(closest_match("xyz", {"op", "field"}).empty());
  CHECK(closest_match("", {"op"}).empty());
}
