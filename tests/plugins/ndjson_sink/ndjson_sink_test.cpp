#include "json_writer.hpp"
#include "ndjson_sink.hpp"
#include "temp_dir.hpp"

#include <sluice/sdk/testing.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;
using sluice::plugins::ndjson_sink::append_json_string;
using sluice::plugins::ndjson_sink::append_json_value;
using sluice::plugins::ndjson_sink::NdjsonSink;
using sluice::sdk::Batch;
using sluice::sdk::SinkRole;
using sluice::sdk::testing::make_final_batch;
using sluice::sdk::testing::make_json_batch;
using sluice::sdk::testing::make_raw_batch;
using sluice::sdk::testing::make_stage;
using sluice::test_support::read_file;
using sluice::test_support::TempDir;

namespace {

std::string as_json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string as_json(const json::value& v) {
  std::string out;
  append_json_value(out, v);
  return out;
}

// Decodes a JSON string literal written by append_json_string back to bytes.
std::string decode_json_string(std::string_view text) {
  REQUIRE(text.size() >= 2);
  REQUIRE(text.front() == '"');
  REQUIRE(text.back() == '"');
  std::string out;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] != '\\') {
      REQUIRE(static_cast<unsigned char>(text[i]) >= 0x20);
      REQUIRE(text[i] != '"');
      out += text[i];
      continue;
    }
    const char e = text[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'u': out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 4)), nullptr, 16)); i += 4; break;
      default: FAIL("unexpected escape");
    }
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    REQUIRE(nl != std::string::npos);  // every line ends with '\n'
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace

TEST_CASE("strings escape only quote, backslash and control characters", "[ndjson_sink]") {
  CHECK(as_json_string("plain") == "\"plain\"");
  CHECK(as_json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(as_json_string("cr\r lf\n tab\t bs\b ff\f") == "\"cr\\r lf\\n tab\\t bs\\b ff\\f\"");
  CHECK(as_json_string(std::string("\x01 \x1f \0", 5)) == "\"\\u0001 \\u001f \\u0000\"");
  CHECK(as_json_string("caf\xC3\xA9 \xE6\x97\xA5") == "\"caf\xC3\xA9 \xE6\x97\xA5\"");  // UTF-8 as is
  CHECK(as_json_string("bad \xFF byte\x7F") == "\"bad \xFF byte\x7F\"");              // invalid UTF-8 kept
  // Long runs take the 8-byte path; escapes at every position of a word.
  for (std::size_t pos = 0; pos < 24; ++pos) {
    std::string s(24, 'x');
    s[pos] = '"';
    std::string expected = "\"";
    expected.append(pos, 'x').append("\\\"").append(23 - pos, 'x').append("\"");
    CHECK(as_json_string(s) == expected);
  }
}

TEST_CASE("every byte sequence survives escaping", "[ndjson_sink]") {
  std::string all;
  for (int round = 0; round < 3; ++round)
    for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  CHECK(decode_json_string(as_json_string(all)) == all);
}

TEST_CASE("values are written as compact JSON that reads back equal", "[ndjson_sink]") {
  const json::value v = json::parse(R"({"a":1,"b":[true,false,null],"c":"x\ny","d":{"e":-2,"f":[]},"g":{}})");
  CHECK(as_json(v) == R"({"a":1,"b":[true,false,null],"c":"x\ny","d":{"e":-2,"f":[]},"g":{}})");
  CHECK(as_json(json::value(1.0)) == "1.0");
  CHECK(as_json(json::value(0.1)) == "0.1");
  CHECK(as_json(json::value(87.706)) == "87.706");
  CHECK(as_json(json::value(-0.0)) == "-0.0");
  CHECK(as_json(json::value(1e300)) == "1e+300");
  CHECK(as_json(json::value(std::numeric_limits<double>::quiet_NaN())) == "null");
  CHECK(as_json(json::value(std::numeric_limits<double>::infinity())) == "null");
  CHECK(as_json(json::value(std::numeric_limits<uint64_t>::max())) == "18446744073709551615");
  CHECK(as_json(json::value(std::numeric_limits<int64_t>::min())) == "-9223372036854775808");
  for (double d : {1.0, 0.1, 87.706, 1e300, 5e-324, 123456789.125}) {
    const json::value back = json::parse(as_json(json::value(d)));
    REQUIRE(back.is_double());
    CHECK(back.get_double() == d);
  }
}

TEST_CASE("the records output holds every alive record's value, one per line", "[ndjson_sink]") {
  TempDir dir;
  const std::string path = dir.file("out.ndjson");
  auto t = make_stage<NdjsonSink>("path: '" + path + "'\n");
  t.stage->start();
  auto batch = make_json_batch({R"({"n":1})", R"({"n":2,"s":"t\"q"})", R"({"n":3})", R"({"n":4})"});
  batch->set_stage("filter");
  batch->filter(batch->records()[1]);
  batch->dead_letter(batch->records()[2], "validation_error", "/n: minimum");
  t.stage->write(*batch);
  CHECK(read_file(path) == "{\"n\":1}\n{\"n\":4}\n");  // handed to the OS when write() returns
  auto second = make_json_batch({R"({"n":5.5})"}, 1, 5);
  second->emit(json::value({{"agg", 2}}, second->storage()));
  t.stage->write(*second);
  t.stage->write(*make_final_batch(2));
  t.stage->stop();
  CHECK(read_file(path) == "{\"n\":1}\n{\"n\":4}\n{\"n\":5.5}\n{\"agg\":2}\n");
}

TEST_CASE("the dead-letter output has reason, stage, detail, line and the raw line", "[ndjson_sink]") {
  TempDir dir;
  const std::string path = dir.file("dead.ndjson");
  auto t = make_stage<NdjsonSink>("path: '" + path + "'\n", "dead", {}, SinkRole::dead_letters);
  t.stage->start();
  const std::vector<std::string> lines = {
      "{\"ok\":1}", "{\"q\":\"a\\\"b\",", "back\\slash\r", std::string("ctl\x01\x1f", 5), "caf\xC3\xA9 {",
      "bad \xFF byte"};
  auto batch = make_raw_batch(lines, 0, 10);
  batch->set_stage("parse");
  for (std::size_t i = 1; i < lines.size(); ++i)
    batch->dead_letter(batch->records()[i], "parse_error", i == 1 ? "syntax \"error\" at 12" : "bad");
  t.stage->write(*batch);
  t.stage->stop();
  const std::vector<std::string> out = split_lines(read_file(path));
  REQUIRE(out.size() == 5);  // the alive record is not a dead letter
  CHECK(out[0] ==
        R"({"reason":"parse_error","stage":"parse","detail":"syntax \"error\" at 12","line":11,"raw":"{\"q\":\"a\\\"b\","})");
  CHECK(out[1] == R"({"reason":"parse_error","stage":"parse","detail":"bad","line":12,"raw":"back\\slash\r"})");
  CHECK(out[2] == R"({"reason":"parse_error","stage":"parse","detail":"bad","line":13,"raw":"ctl\u0001\u001f"})");
  for (std::size_t i = 0; i < 4; ++i) {
    const json::value v = json::parse(out[i]);  // valid JSON while the raw line is valid UTF-8
    CHECK(v.at("raw").as_string() == lines[i + 1]);
    CHECK(v.at("line").as_int64() == static_cast<int64_t>(11 + i));
  }
  // Invalid UTF-8 passes through unchanged, so the raw line is never lost.
  const std::size_t raw_at = out[4].find("\"raw\":") + 6;
  CHECK(decode_json_string(std::string_view(out[4]).substr(raw_at, out[4].size() - raw_at - 1)) == lines[5]);
}

TEST_CASE("write: raw writes input lines as read", "[ndjson_sink]") {
  TempDir dir;
  const std::string path = dir.file("raw.ndjson");
  auto t = make_stage<NdjsonSink>("path: '" + path + "'\nwrite: raw\n");
  t.stage->start();
  auto batch = make_raw_batch({"{\"a\": 1}", "not json \xFF", "{\"c\":3}"});
  batch->set_stage("x");
  batch->filter(batch->records()[2]);
  t.stage->write(*batch);
  t.stage->stop();
  CHECK(read_file(path) == "{\"a\": 1}\nnot json \xFF\n");
}

TEST_CASE("write: raw for dead letters writes only their raw lines", "[ndjson_sink]") {
  TempDir dir;
  const std::string path = dir.file("replay.ndjson");
  auto t = make_stage<NdjsonSink>("path: '" + path + "'\nwrite: raw\n", "dead", {}, SinkRole::dead_letters);
  t.stage->start();
  auto batch = make_raw_batch({"{\"a\":1}", "{oops"});
  batch->set_stage("parse");
  batch->dead_letter(batch->records()[1], "parse_error", "x");
  t.stage->write(*batch);
  t.stage->stop();
  CHECK(read_file(path) == "{oops\n");
}

TEST_CASE("keep_line_numbers restores skipped line numbers as empty lines", "[ndjson_sink]") {
  TempDir dir;
  const std::string path = dir.file("lines.ndjson");
  auto t = make_stage<NdjsonSink>("path: '" + path + "'\nwrite: raw\nkeep_line_numbers: true\n");
  t.stage->start();
  auto first = make_raw_batch({"a"}, 0, 2);
  auto second = make_raw_batch({"b"}, 1, 5);
  t.stage->write(*first);
  t.stage->write(*second);
  t.stage->stop();
  CHECK(read_file(path) == "\na\n\n\nb\n");
  CHECK_THROWS_AS(make_stage<NdjsonSink>("path: x\nkeep_line_numbers: true\n"), sluice::sdk::ConfigError);
}

TEST_CASE("append keeps what the file held; the default truncates", "[ndjson_sink]") {
  TempDir dir;
  const std::string path = dir.file("app.ndjson");
  std::ofstream(path) << "old\n";
  {
    auto t = make_stage<NdjsonSink>("path: '" + path + "'\nappend: true\nflush_every_batch: true\n");
    t.stage->start();
    t.stage->write(*make_json_batch({"1"}));
    t.stage->stop();
  }
  CHECK(read_file(path) == "old\n1\n");
  {
    auto t = make_stage<NdjsonSink>("path: '" + path + "'\n");
    t.stage->start();
    t.stage->write(*make_json_batch({"2"}));
    t.stage->stop();
  }
  CHECK(read_file(path) == "2\n");
}

TEST_CASE("outputs larger than the buffer arrive whole and in order", "[ndjson_sink]") {
  TempDir dir;
  const std::string path = dir.file("big.ndjson");
  std::vector<std::string> lines;
  std::string expected;
  for (int i = 0; i < 20000; ++i) {
    lines.push_back("{\"i\":" + std::to_string(i) + ",\"pad\":\"" + std::string(400, 'p') + "\"}");
    expected += lines.back() + "\n";
  }
  auto t = make_stage<NdjsonSink>("path: '" + path + "'\n");
  t.stage->start();
  t.stage->write(*make_json_batch(lines));
  t.stage->stop();
  CHECK(read_file(path) == expected);
}

TEST_CASE("\"-\" writes stdout", "[ndjson_sink]") {
  TempDir dir;
  const std::string path = dir.file("stdout.ndjson");
  std::cout.flush();
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  FILE* f = std::fopen(path.c_str(), "w");
  ::dup2(::fileno(f), STDOUT_FILENO);
  {
    auto t = make_stage<NdjsonSink>("path: '-'\n");
    t.stage->start();
    t.stage->write(*make_json_batch({R"({"to":"stdout"})"}));
    t.stage->stop();
  }
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  std::fclose(f);
  CHECK(read_file(path) == "{\"to\":\"stdout\"}\n");
}

TEST_CASE("an unwritable path fails start() with the path and the system error", "[ndjson_sink]") {
  TempDir dir;
  const std::string path = dir.file("no/such/dir/out.ndjson");
  auto t = make_stage<NdjsonSink>("path: '" + path + "'\n");
  try {
    t.stage->start();
    FAIL("start() did not throw");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find(path) != std::string::npos);
    CHECK(std::string(e.what()).find("No such file or directory") != std::string::npos);
  }
}

TEST_CASE("config errors point at the option", "[ndjson_sink]") {
  using sluice::sdk::ConfigError;
  CHECK_THROWS_AS(make_stage<NdjsonSink>(""), ConfigError);
  CHECK_THROWS_AS(make_stage<NdjsonSink>("path: ''\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<NdjsonSink>("path: x\nappend: maybe\n"), ConfigError);
  try {
    make_stage<NdjsonSink>("path: x\nwrite: yaml\n");
    FAIL("no ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.mark().line == 2);
  }
}

TEST_CASE("value writing throughput", "[.][perf][ndjson_sink]") {
  const std::string line =
      R"({"id":"evt-000000000001","source":"web","timestamp_ms":1795651200000,"event_type":"page_view",)"
      R"("user":{"id":"u-13760","country":"CO","plan":"pro"},"session_id":"s-9b810e766ec9d286",)"
      R"("url":"https://shop.example.com/p/7298","user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) )"
      R"(AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36","latency_ms":87.706,)"
      R"("tags":["vip"],"payload":{"ab":"variant-c","screen":{"w":390,"h":1024},"experiment":{"id":32}}})";
  auto batch = make_json_batch(std::vector<std::string>(4096, line));
  auto t = make_stage<NdjsonSink>("path: /dev/null\n");
  t.stage->start();
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  for (int i = 0; i < 100; ++i) t.stage->write(*batch);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  t.stage->stop();
  WARN(409600 / s / 1e6 << " M records/s wall, " << 409600 / cpu / 1e6 << " M records/s of CPU time");
}
