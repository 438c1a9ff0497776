#include "json_parse.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <sluice/sdk/testing.hpp>
#include <string>
#include <thread>
#include <vector>

namespace sdk = sluice::sdk;
namespace testing = sluice::sdk::testing;
namespace json = boost::json;
using sluice::plugins::json_parse::JsonParseStage;

namespace {

// A line as the reference generator writes it.
const std::string kEventLine =
    R"({"id":"evt-000000000001","src":"api","ts":"2026-11-26T00:00:00.000Z","event_type":"page_view",)"
    R"("user":{"id":"u-13760","country":"CO","plan":"pro"},"session_id":"s-9b810e766ec9d286",)"
    R"("url":"https://shop.example.com/p/7298","user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) )"
    R"(AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36","latency_ms":87.706,)"
    R"("tags":["vip"],"payload":{"ab":"variant-c","screen":{"w":390,"h":1024},)"
    R"("referrer":"https://search.example.org/?q=shoes","experiment":{"id":32,"arm":"control"}}})";

struct Parsed {
  std::unique_ptr<sdk::Batch> batch;
  const sdk::Record& at(std::size_t i) const { return batch->records().at(i); }
};

Parsed parse_lines(const std::vector<std::string>& lines, std::string_view config = "") {
  auto stage = testing::make_stage<JsonParseStage>(config, "parse");
  Parsed p{testing::make_raw_batch(lines)};
  testing::run(*stage.stage, *p.batch, "parse");
  return p;
}

// Parses one line; returns its dead-letter detail, or "" when it parsed.
std::string detail_of(const std::string& line, std::string_view config = "") {
  Parsed p = parse_lines({line}, config);
  const sdk::Record& r = p.at(0);
  if (r.alive()) return "";
  REQUIRE(r.fate == sdk::Fate::dead);
  REQUIRE(r.dead->reason == "parse_error");
  REQUIRE(r.dead->stage == "parse");
  REQUIRE(!r.dead->detail.empty());
  return std::string(r.dead->detail);
}

bool parses(const std::string& line, std::string_view config = "") { return detail_of(line, config).empty(); }

std::string nested(std::size_t depth, std::string_view open, std::string_view close, std::string_view inner) {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += open;
  s += inner;
  for (std::size_t i = 0; i < depth; ++i) s += close;
  return s;
}

}  // namespace

TEST_CASE("a reference event line becomes an object in the batch arena", "[json_parse]") {
  Parsed p = parse_lines({kEventLine});
  const sdk::Record& r = p.at(0);
  REQUIRE(r.alive());
  REQUIRE(r.value.is_object());
  CHECK(r.value.storage().get() == p.batch->storage().get());
  CHECK(r.value.at("src").as_string() == "api");
  CHECK(r.value.at("latency_ms").as_double() == Approx(87.706));
  CHECK(r.value.at("payload").at("screen").at("h").as_int64() == 1024);
  CHECK(r.value == json::parse(kEventLine));
  CHECK(p.batch->counts().dead == 0);
}

TEST_CASE("JSON white space around the value is accepted", "[json_parse]") {
  CHECK(parses(" \t{\"a\":1}"));
  CHECK(parses("{\"a\":1} \t\r"));
  CHECK(parses("\r\n {\"a\" : [ 1 , 2 ] }\n"));
}

TEST_CASE("anything but JSON white space after the value is a parse error", "[json_parse]") {
  CHECK(detail_of("{\"a\":1} x") == "syntax error at byte 8: unexpected data after the value");
  CHECK_FALSE(parses("{\"a\":1}{\"b\":2}"));
  CHECK_FALSE(parses("{\"a\":1}\v"));  // not JSON white space
  CHECK_FALSE(parses("{\"a\":1}\f"));
  CHECK_FALSE(parses(std::string("{\"a\":1}\0", 8)));
  CHECK_FALSE(parses("\v{\"a\":1}"));
}

TEST_CASE("a duplicate key keeps its last value at its first position", "[json_parse]") {
  Parsed p = parse_lines({R"({"a":1,"b":2,"a":3})"});
  const json::object& o = p.at(0).value.as_object();
  REQUIRE(o.size() == 2);
  CHECK(o.at("a").as_int64() == 3);
  CHECK(json::serialize(o) == R"({"a":3,"b":2})");

  // Large objects use a hash table instead of a linear scan: same rule there.
  std::string line = "{";
  for (int i = 0; i < 40; ++i) line += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  line += R"("k7":"last","k39":null,"k7":"really last"})";
  Parsed big = parse_lines({line});
  const json::object& b = big.at(0).value.as_object();
  CHECK(b.size() == 40);
  CHECK(b.at("k7").as_string() == "really last");
  CHECK(b.at("k39").is_null());
  CHECK(b.at("k0").as_int64() == 0);
  CHECK((b.begin() + 7)->key() == "k7");
}

TEST_CASE("escaped keys and strings are decoded", "[json_parse]") {
  Parsed p = parse_lines({R"({"s\u0072c":"w\u00e9b","e":"\ud83d\ude00","q":"a\"b\\c\/d\n"})"});
  const json::object& o = p.at(0).value.as_object();
  CHECK(o.contains("src"));
  CHECK(o.at("src").as_string() ==
        "w\xC3\xA9"
        "b");
  CHECK(o.at("e").as_string() == "\xF0\x9F\x98\x80");
  CHECK(o.at("q").as_string() == "a\"b\\c/d\n");
}

TEST_CASE("valid multi-byte UTF-8 in strings and keys is accepted", "[json_parse]") {
  CHECK(parses("{\"\xE2\x82\xAC\":\"\xF0\x9F\x98\x80 \xC3\xA9 \xEF\xBF\xBF \xF4\x8F\xBF\xBF \x7F\"}"));
}

TEST_CASE("numbers keep their JSON type and range", "[json_parse]") {
  Parsed p = parse_lines({R"({"e1":1.5e3,"e2":-2E-2,"e3":1E+2,"e4":0e0,"big":1.7976931348623157e308,)"
                          R"("i64":-9223372036854775808,"u64":18446744073709551615,)"
                          R"("past_u64":18446744073709551616,"past_i64":-9223372036854775809,"tiny":1e-400})"});
  const json::object& o = p.at(0).value.as_object();
  CHECK(o.at("e1").as_double() == 1500.0);
  CHECK(o.at("e2").as_double() == -0.02);
  CHECK(o.at("e3").as_double() == 100.0);
  CHECK(o.at("e4").as_double() == 0.0);
  CHECK(o.at("big").as_double() == 1.7976931348623157e308);
  CHECK(o.at("i64").as_int64() == INT64_MIN);
  CHECK(o.at("u64").as_uint64() == UINT64_MAX);
  CHECK(o.at("past_u64").as_double() == 18446744073709551616.0);
  CHECK(o.at("past_i64").as_double() == -9223372036854775809.0);
  CHECK(o.at("tiny").as_double() == 0.0);
}

TEST_CASE("a number too large for a double is a parse error, not an infinity", "[json_parse]") {
  CHECK(detail_of(R"({"a":1e400})").starts_with("number out of range at byte "));
  CHECK_FALSE(parses(R"({"a":-1e309})"));
  CHECK_FALSE(parses("{\"a\":1" + std::string(400, '0') + "}"));
}

TEST_CASE("512 levels of nesting parse with the default max_depth", "[json_parse]") {
  CHECK(parses(nested(511, "{\"a\":", "}", "{}")));  // 512 objects
  CHECK(parses("{\"a\":" + nested(511, "[", "]", "1") + "}"));
  CHECK(parses(nested(1023, "{\"a\":", "}", "[]")));  // 1024 levels
  Parsed p = parse_lines({nested(512, "{\"x\":", "}", "true")});
  const json::value* v = &p.at(0).value;
  for (int i = 0; i < 512; ++i) v = &v->at("x");
  CHECK(v->as_bool());
}

TEST_CASE("nesting deeper than max_depth is a parse error", "[json_parse]") {
  CHECK(detail_of(nested(1025, "{\"a\":", "}", "1")).starts_with("nesting too deep at byte "));
  CHECK(parses(nested(512, "{\"a\":", "}", "1"), "max_depth: 512"));
  CHECK(detail_of(nested(513, "{\"a\":", "}", "1"), "max_depth: 512") ==
        "nesting too deep at byte 2560: more than max_depth 512 levels");  // the 513th '{'
}

TEST_CASE("a 1 MiB line parses", "[json_parse]") {
  std::string line = R"({"blob":")" + std::string(1 << 20, 'x') + R"(","n":[)";
  for (int i = 0; i < 20000; ++i) line += std::to_string(i) + ",";
  line += "0]}";
  REQUIRE(line.size() > (1u << 20));
  Parsed p = parse_lines({line, kEventLine});
  CHECK(p.at(0).value.at("blob").as_string().size() == (1u << 20));
  CHECK(p.at(0).value.at("n").as_array().size() == 20001);
  CHECK(p.at(1).value.at("id").as_string() == "evt-000000000001");
}

TEST_CASE("every truncation of an event line is a parse error", "[json_parse][generator]") {
  std::vector<std::string> lines;
  for (std::size_t n = 1; n + 1 < kEventLine.size(); ++n) lines.push_back(kEventLine.substr(0, n));
  Parsed p = parse_lines(lines);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK(p.at(i).fate == sdk::Fate::dead);
  }
  CHECK(p.batch->counts().dead == lines.size());
  CHECK(p.at(9).dead->detail == "syntax error at byte 10: unexpected end of input");
}

TEST_CASE("the generator's malformed kinds are parse errors", "[json_parse][generator]") {
  std::string removed_quote = kEventLine;
  removed_quote.erase(removed_quote.find('"'), 1);
  std::string nan = kEventLine;
  nan.replace(nan.find("\"latency_ms\":"), 13, "\"latency_ms\":NaN,\"x\":");
  std::string doubled_brace = kEventLine;
  doubled_brace.replace(0, 1, "{{");

  CHECK(detail_of(kEventLine.substr(0, kEventLine.size() - 1) + ",}").starts_with("syntax error at byte "));
  CHECK(detail_of(removed_quote) == "syntax error at byte 1: unexpected 'i'");
  CHECK(detail_of(nan) == "syntax error at byte " + std::to_string(nan.find("NaN")) + ": unexpected 'N'");
  CHECK(detail_of(doubled_brace) == "syntax error at byte 1: unexpected '{'");
  CHECK(detail_of("[1,2,3]") == "top-level value is not an object (found array)");
  CHECK(detail_of("\"just a string\"") == "top-level value is not an object (found string)");
  CHECK(detail_of("42") == "top-level value is not an object (found number)");
  CHECK(detail_of("null") == "top-level value is not an object (found null)");
  CHECK(detail_of("true") == "top-level value is not an object (found boolean)");
}

TEST_CASE("non-standard JSON is rejected", "[json_parse]") {
  for (const char* line : {R"({"a":NaN})",
                           R"({"a":Infinity})",
                           R"({"a":-Infinity})",
                           R"({"a":1,})",
                           R"({"a":[1,2,]})",
                           R"({"a":1 /* c */})",
                           "{\"a\":1} // c",
                           R"({'a':1})",
                           R"({a:1})",
                           R"({"a":01})",
                           R"({"a":+1})",
                           R"({"a":.5})",
                           R"({"a":1.})",
                           R"({"a":0x10})",
                           R"({"a":"\x41"})",
                           R"({"a":"\u12"})",
                           R"({"a":tru})",
                           R"({"a":True})",
                           R"({"a" 1})",
                           R"({"a":1 "b":2})",
                           "",
                           " ",
                           "{"}) {
    INFO(line);
    CHECK_FALSE(parses(line));
  }
}

TEST_CASE("a byte-order mark at the start of a line is a parse error", "[json_parse]") {
  CHECK(detail_of("\xEF\xBB\xBF{\"a\":1}") == "byte-order mark at byte 0");
  CHECK(detail_of("\xEF\xBB\xBF") == "byte-order mark at byte 0");
  CHECK_FALSE(parses(" \xEF\xBB\xBF{\"a\":1}"));
}

TEST_CASE("invalid UTF-8 is a parse error", "[json_parse]") {
  CHECK(detail_of("{\"a\":\"\xC0\x80\"}") == "invalid UTF-8 at byte 6");              // overlong NUL
  CHECK(detail_of("{\"a\":\"\xC1\xBF\"}") == "invalid UTF-8 at byte 6");              // overlong 2-byte
  CHECK(detail_of("{\"a\":\"\xE0\x80\x80\"}") == "invalid UTF-8 at byte 6");          // overlong 3-byte
  CHECK(detail_of("{\"a\":\"\xF0\x80\x80\x80\"}") == "invalid UTF-8 at byte 6");      // overlong 4-byte
  CHECK(detail_of("{\"a\":\"\xED\xA0\x80\"}") == "invalid UTF-8 at byte 6");          // surrogate U+D800
  CHECK(detail_of("{\"a\":\"\xED\xBF\xBF\"}") == "invalid UTF-8 at byte 6");          // surrogate U+DFFF
  CHECK(detail_of("{\"a\":\"\xF4\x90\x80\x80\"}") == "invalid UTF-8 at byte 6");      // above U+10FFFF
  CHECK(detail_of("{\"a\":\"\xF8\x88\x80\x80\x80\"}") == "invalid UTF-8 at byte 6");  // 5-byte form
  CHECK(detail_of("{\"a\":\"\xE2\x82\"}") == "invalid UTF-8 at byte 6");              // truncated sequence
  CHECK(detail_of("{\"a\":\"x\x80\"}") == "invalid UTF-8 at byte 7");                 // lone continuation
  CHECK(detail_of("{\"\xFF\":1}") == "invalid UTF-8 at byte 2");                      // in a key
  CHECK(detail_of("{\"a\":1,\xC3\xA9}") == "invalid UTF-8 at byte 7");                // outside strings
  CHECK_FALSE(parses("{\"a\":\"\xE2\x82"));                                           // cut at line end
  CHECK_FALSE(parses("{\"a\":\"\xFE\"}"));
}

TEST_CASE("escaped lone surrogates are accepted as U+FFFD, like Python's and JavaScript's parsers", "[json_parse]") {
  // JSON's grammar allows any \uXXXX escape; half a surrogate pair has no UTF-8 encoding, so it
  // becomes the replacement character, one code point as before.
  Parsed p = parse_lines({R"({"a":"\ud800"})", R"({"a":"x\udc00y"})", R"({"a":"\ud800\u0041"})",
                          R"({"a":"\ud83d\ude00"})", R"({"a":"\\ud800"})"});
  for (std::size_t i = 0; i < 5; ++i) REQUIRE(p.at(i).alive());
  CHECK(p.at(0).value.at("a").as_string() == "\xEF\xBF\xBD");
  CHECK(p.at(1).value.at("a").as_string() == "x\xEF\xBF\xBDy");
  CHECK(p.at(2).value.at("a").as_string() == "\xEF\xBF\xBD" "A");
  CHECK(p.at(3).value.at("a").as_string() == "\xF0\x9F\x98\x80");  // a proper pair is untouched
  CHECK(p.at(4).value.at("a").as_string() == "\\ud800");             // an escaped backslash, not an escape
  CHECK(p.at(0).raw == R"({"a":"\ud800"})");                           // raw stays as read
  // Still strict elsewhere on such a line.
  CHECK_FALSE(parses(R"({"a":"\ud800",})"));
}

TEST_CASE("unescaped control characters in a string are a parse error", "[json_parse]") {
  CHECK(detail_of("{\"a\":\"x\x01y\"}") == "syntax error at byte 7: control character 0x01");
  CHECK(detail_of("{\"a\":\"\ty\"}") == "syntax error at byte 6: control character 0x09");
  CHECK_FALSE(parses(std::string("{\"a\":\"\0\"}", 9)));
  CHECK_FALSE(parses("{\"a\":\"\x1F\"}"));
  CHECK_FALSE(parses("{\"a\x0B\":1}"));
}

TEST_CASE("require_object: false accepts any top-level value", "[json_parse]") {
  Parsed p = parse_lines({"[1,2,3]", "\"s\"", "42", "null", "true", "{}"}, "require_object: false");
  CHECK(p.batch->counts().dead == 0);
  CHECK(p.at(0).value.as_array().size() == 3);
  CHECK(p.at(1).value.as_string() == "s");
  CHECK(p.at(2).value.as_int64() == 42);
  CHECK(p.at(3).value.is_null());
  CHECK(p.at(4).value.as_bool());
  CHECK(p.at(5).value.is_object());
}

TEST_CASE("only alive records are parsed; values a source filled are kept", "[json_parse]") {
  auto stage = testing::make_stage<JsonParseStage>("", "parse");
  auto batch = testing::make_raw_batch({"{\"a\":1}", "not json", "{\"b\":2}"});
  batch->filter(batch->records()[1]);
  sdk::Record& emitted = batch->emit(json::value(json::object{{"c", 3}}, batch->storage()));
  testing::run(*stage.stage, *batch, "parse");
  CHECK(batch->records()[0].value.at("a").as_int64() == 1);
  CHECK(batch->records()[1].fate == sdk::Fate::filtered);
  CHECK(batch->records()[1].value.is_null());
  CHECK(batch->records()[2].value.at("b").as_int64() == 2);
  CHECK(emitted.alive());
  CHECK(emitted.value.at("c").as_int64() == 3);
  CHECK(batch->counts().dead == 0);
}

TEST_CASE("a bad line does not disturb the lines after it", "[json_parse]") {
  Parsed p = parse_lines({"{\"a\":1", "{\"a\":2}", "{\"a\":[[[[", "{\"a\":3}"});
  CHECK(p.at(0).fate == sdk::Fate::dead);
  CHECK(p.at(1).value.at("a").as_int64() == 2);
  CHECK(p.at(2).fate == sdk::Fate::dead);
  CHECK(p.at(3).value.at("a").as_int64() == 3);
  CHECK(p.at(0).line == 1);
  CHECK(p.at(2).line == 3);
}

TEST_CASE("batches can be parsed concurrently by one stage", "[json_parse]") {
  auto stage = testing::make_stage<JsonParseStage>("", "parse");
  std::vector<std::unique_ptr<sdk::Batch>> batches;
  for (int b = 0; b < 4; ++b) {
    std::vector<std::string> lines;
    for (int i = 0; i < 500; ++i) lines.push_back(i % 50 == 0 ? "{bad" : kEventLine);
    batches.push_back(testing::make_raw_batch(lines, b));
  }
  std::vector<std::thread> threads;
  for (auto& b : batches) threads.emplace_back([&stage, &b] { testing::run(*stage.stage, *b, "parse"); });
  for (auto& t : threads) t.join();
  for (auto& b : batches) {
    CHECK(b->counts().dead == 10);
    CHECK(b->records()[1].value.at("user").at("country").as_string() == "CO");
  }
}

TEST_CASE("json_parse config is validated at init", "[json_parse][config]") {
  CHECK_NOTHROW(testing::make_stage<JsonParseStage>("max_depth: 512\nrequire_object: false"));
  CHECK_THROWS_AS(testing::make_stage<JsonParseStage>("max_depth: 0"), sdk::ConfigError);
  CHECK_THROWS_AS(testing::make_stage<JsonParseStage>("max_depth: 100001"), sdk::ConfigError);
  CHECK_THROWS_AS(testing::make_stage<JsonParseStage>("max_depth: deep"), sdk::ConfigError);
  CHECK_THROWS_AS(testing::make_stage<JsonParseStage>("require_object: maybe"), sdk::ConfigError);
  CHECK_THROWS_AS(testing::make_stage<JsonParseStage>("- a\n- b"), sdk::ConfigError);
  try {
    testing::make_stage<JsonParseStage>("require_object: true\nmax_dept: 5");
    FAIL("unknown option accepted");
  } catch (const sdk::ConfigError& e) {
    CHECK(e.mark().line == 2);
    CHECK(std::string(e.what()).find("max_dept") != std::string::npos);
  }
}

namespace {

constexpr std::string_view kSkipPayload = "skip_contents: [payload]";

// The line's value serialized, parsed with `config`; "" when it did not parse.
std::string value_of(const std::string& line, std::string_view config = "") {
  Parsed p = parse_lines({line}, config);
  return p.at(0).alive() ? json::serialize(p.at(0).value) : std::string();
}

}  // namespace

TEST_CASE("skip_contents keeps a listed member's object or array empty and everything else whole",
          "[json_parse][skip_contents]") {
  // The reference event: payload's object becomes {}, in its place; nothing else changes.
  json::value full = json::parse(kEventLine);
  full.as_object()["payload"] = json::object();
  CHECK(value_of(kEventLine, kSkipPayload) == json::serialize(full));

  // An array becomes []; scalars are kept as they are.
  CHECK(value_of(R"({"a":1,"payload":[1,[2],{"b":3}],"z":true})", kSkipPayload) == R"({"a":1,"payload":[],"z":true})");
  for (const char* scalar : {R"("text")", "12", "-1.5e3", "18446744073709551615", "true", "null"}) {
    const std::string line = std::string(R"({"payload":)") + scalar + "}";
    CHECK(value_of(line, kSkipPayload) == value_of(line));
  }
  // Only top-level members: a nested member of the same name, or one inside a top-level array,
  // is built.
  CHECK(value_of(R"({"user":{"payload":{"a":1}}})", kSkipPayload) == R"({"user":{"payload":{"a":1}}})");
  CHECK(value_of(R"([{"payload":{"a":1}}])", "require_object: false\nskip_contents: [payload]") ==
        R"([{"payload":{"a":1}}])");
  // The member after a skipped one is built again, at every depth.
  CHECK(value_of(R"({"payload":{"a":{"b":[1,{"c":2}]}},"next":{"d":[3]}})", kSkipPayload) ==
        R"({"payload":{},"next":{"d":[3]}})");
  // Names are matched decoded, escapes and all; a different name is not skipped.
  CHECK(value_of(R"({"p\u0061yload":{"a":1},"payloads":{"b":2}})", kSkipPayload) == R"({"payload":{},"payloads":{"b":2}})");
  // Several names; a duplicate key keeps its last value at its first position, as without the option.
  CHECK(value_of(R"({"x":{"a":1},"payload":{"b":2},"y":[3],"payload":[4]})", "skip_contents: [payload, x]") ==
        R"({"x":{},"payload":[],"y":[3]})");
}

TEST_CASE("skip_contents: a line fails exactly as it fails without it", "[json_parse][skip_contents]") {
  std::vector<std::string> lines;
  // Every truncation, which ends inside the skipped value too.
  for (std::size_t n = 1; n < kEventLine.size(); ++n) lines.push_back(kEventLine.substr(0, n));
  const std::size_t payload = kEventLine.find(R"("payload":)") + 10;
  auto with_payload = [&](std::string_view inner) {
    return kEventLine.substr(0, payload) + std::string(inner) + "}";
  };
  lines.push_back(with_payload(R"({"a":NaN})"));
  lines.push_back(with_payload(R"({"a":1e400})"));          // out of range for a double
  lines.push_back(with_payload("{\"a\":\"\xC3\x28\"}"));    // invalid UTF-8
  lines.push_back(with_payload("{\"a\":\"tab\there\"}"));   // unescaped control character
  lines.push_back(with_payload(R"({"a":"\uZZZZ"})"));       // bad escape
  lines.push_back(with_payload(R"({"a":[1,2,]})"));         // trailing comma
  lines.push_back(with_payload(R"({"a":1} trailing)"));
  lines.push_back(with_payload(nested(600, "[", "]", "1")));  // deeper than max_depth 512
  lines.push_back(with_payload(R"({"a":"\ud800"})"));       // a lone surrogate: accepted both ways
  lines.push_back(with_payload(R"({"ok":[1,{"b":null}]})"));
  for (const std::string& line : lines) {
    INFO(line);
    CHECK(detail_of(line, "max_depth: 512\nskip_contents: [payload]") == detail_of(line, "max_depth: 512"));
  }
}

TEST_CASE("skip_contents config is validated at init", "[json_parse][skip_contents][config]") {
  CHECK_NOTHROW(testing::make_stage<JsonParseStage>("skip_contents: []"));
  CHECK_NOTHROW(testing::make_stage<JsonParseStage>("skip_contents: [payload, 'a.b']"));
  CHECK_THROWS_AS(testing::make_stage<JsonParseStage>("skip_contents: payload"), sdk::ConfigError);
  CHECK_THROWS_AS(testing::make_stage<JsonParseStage>("skip_contents: ['']"), sdk::ConfigError);
  CHECK_THROWS_AS(testing::make_stage<JsonParseStage>("skip_contents: [[payload]]"), sdk::ConfigError);
  try {
    testing::make_stage<JsonParseStage>("skip_contents:\n  - payload\n  - payload");
    FAIL("a name listed twice was accepted");
  } catch (const sdk::ConfigError& e) {
    CHECK(e.mark().line == 3);
    CHECK(std::string(e.what()).find("listed twice") != std::string::npos);
  }
}
