// `sluice run` end to end on crafted inputs: bad input kinds, stage errors, the balance,
// signals, and independence from concurrency, max_in_flight and batch_size.
#include "sluice_process.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>

using namespace sluice::testing;

namespace {
const std::string kTestPlugins = std::string(SLUICE_BINARY_DIR) + "/test-plugins/good";

std::string parse_pipeline(const std::string& stages_extra = "", const std::string& settings = "") {
  return R"(name: parse_only
source:
  plugin: file_source
  config: {path: in.ndjson}
stages:
  - {name: parse, plugin: json_parse}
)" + stages_extra + R"(sink:
  plugin: ndjson_sink
  config: {path: out.ndjson}
dead_letter:
  plugin: ndjson_sink
  config: {path: dead.ndjson}
)" + settings;
}

boost::json::object stats_of(const std::filesystem::path& dir) {
  return boost::json::parse(read_file(dir / "stats.json")).as_object();
}

ProcessResult run_in(const std::filesystem::path& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"run", "p.yaml", "--quiet", "--stats-json", "stats.json", "-P", kTestPlugins};
  args.insert(args.end(), extra.begin(), extra.end());
  ProcessOptions o;
  o.cwd = dir;
  return run_sluice(args, o);
}
}  // namespace

TEST_CASE("every bad input kind is dead-lettered with reason, line and raw; blank lines are not records",
          "[run][input]") {
  auto dir = scratch_dir("bad_input");
  std::string bom = "\xEF\xBB\xBF{\"a\":1}";
  std::string bad_utf8 = "{\"a\":\"\xC3\x28\"}";
  std::string input = std::string("{\"id\":1}\n") +  // 1 good
                      "\n" +                          // 2 blank
                      "  \t\r\n" +                    // 3 blank (spaces, tab, CR)
                      "{\"id\":2}\r\n" +              // 4 good, CRLF
                      "{\"id\":3,}\n" +               // 5 trailing comma
                      "[1,2,3]\n" +                   // 6 not an object
                      bom + "\n" +                    // 7 byte-order mark
                      bad_utf8 + "\n" +               // 8 invalid UTF-8
                      "{\"latency\":NaN}\n" +         // 9 NaN
                      "{\"s\\u0072c\":\"web\"}\n" +   // 10 good, escaped key
                      std::string(300, 'x') + "\n" +  // 11 too large (max_line_bytes 256)
                      "{\"id\":4}";                   // 12 good, no final newline
  write_file(dir / "in.ndjson", input);
  std::string yaml = parse_pipeline();
  yaml.replace(yaml.find("{path: in.ndjson}"), 17, "{path: in.ndjson, max_line_bytes: 256}");
  write_file(dir / "p.yaml", yaml);
  auto r = run_in(dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  auto out = lines_of(read_file(dir / "out.ndjson"));
  REQUIRE(out.size() == 4);
  CHECK(boost::json::parse(out[0]) == boost::json::parse("{\"id\":1}"));
  CHECK(boost::json::parse(out[1]) == boost::json::parse("{\"id\":2}"));
  CHECK(boost::json::parse(out[2]) == boost::json::parse("{\"src\":\"web\"}"));
  CHECK(boost::json::parse(out[3]) == boost::json::parse("{\"id\":4}"));

  std::string dead_text = read_file(dir / "dead.ndjson");
  auto dead = lines_of(dead_text);
  REQUIRE(dead.size() == 6);
  struct Expected {
    uint64_t line;
    const char* reason;
    const char* stage;
  };
  Expected expected[] = {{5, "parse_error", "parse"}, {6, "parse_error", "parse"},  {7, "parse_error", "parse"},
                         {8, "parse_error", "parse"}, {9, "parse_error", "parse"}, {11, "too_large", "file_source"}};
  for (std::size_t i = 0; i < 6; ++i) {
    boost::json::object d = boost::json::parse(dead[i], {}, {.allow_invalid_utf8 = true}).as_object();
    INFO(dead[i]);
    CHECK(d.at("line").to_number<uint64_t>() == expected[i].line);
    CHECK(d.at("reason").as_string() == expected[i].reason);
    CHECK(d.at("stage").as_string() == expected[i].stage);
    CHECK_FALSE(d.at("detail").as_string().empty());
  }
  // raw is the line exactly as read, invalid bytes included.
  CHECK(boost::json::parse(dead[2], {}, {.allow_invalid_utf8 = true}).at("raw").as_string() == bom);
  CHECK(dead_text.find(std::string("\"raw\":\"{\\\"a\\\":\\\"\xC3\x28\\\"}\"")) != std::string::npos);

  auto stats = stats_of(dir);
  CHECK(stats.at("records_in").to_number<int>() == 10);
  CHECK(stats.at("delivered").to_number<int>() == 4);
  CHECK(stats.at("dead").to_number<int>() == 6);
  CHECK(stats.at("balance_ok").as_bool());
  CHECK(stats.at("dead_by_reason").at("parse_error").to_number<int>() == 5);
}

TEST_CASE("a throwing stage fails its batch into stage_error dead letters and the run goes on", "[run][errors]") {
  auto dir = scratch_dir("stage_error");
  std::string input;
  for (int i = 1; i <= 20; ++i) input += "{\"n\":" + std::to_string(i) + "}\n";
  write_file(dir / "in.ndjson", input);
  write_file(dir / "p.yaml", parse_pipeline("  - {name: stamp, plugin: stamp, config: {throw_on_line: 12}}\n",
                                            "batch_size: 5\n"));
  auto r = run_in(dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto dead = lines_of(read_file(dir / "dead.ndjson"));
  REQUIRE(dead.size() == 5);  // the batch holding lines 11..15
  for (std::size_t i = 0; i < 5; ++i) {
    auto d = boost::json::parse(dead[i]).as_object();
    CHECK(d.at("line").to_number<uint64_t>() == 11 + i);
    CHECK(d.at("reason").as_string() == "stage_error");
    CHECK(d.at("stage").as_string() == "stamp");
    CHECK(std::string(d.at("detail").as_string()).find("told to throw on line 12") != std::string::npos);
  }
  CHECK(lines_of(read_file(dir / "out.ndjson")).size() == 15);
  CHECK(stats_of(dir).at("balance_ok").as_bool());
}

TEST_CASE("on_error: fail stops the pipeline cleanly with exit code 3 and the balance", "[run][errors]") {
  auto dir = scratch_dir("stage_fail");
  std::string input;
  for (int i = 1; i <= 200; ++i) input += "{\"n\":" + std::to_string(i) + "}\n";
  write_file(dir / "in.ndjson", input);
  write_file(dir / "p.yaml",
             parse_pipeline("  - {name: stamp, plugin: stamp, on_error: fail, config: {throw_on_line: 12}}\n",
                            "batch_size: 5\n"));
  auto r = run_in(dir);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("stage 'stamp' failed: stamp was told to throw on line 12") != std::string::npos);
  auto stats = stats_of(dir);
  CHECK(stats.at("failed").as_bool());
  CHECK(stats.at("balance_ok").as_bool());
  CHECK(stats.at("dead_by_reason").at("stage_error").to_number<int>() == 5);
  // Every line that was written is whole.
  for (const std::string& line : lines_of(read_file(dir / "out.ndjson"))) CHECK_NOTHROW(boost::json::parse(line));
}

TEST_CASE("a stage failing in init is a config error at its position", "[run][errors]") {
  auto dir = scratch_dir("init_fail");
  write_file(dir / "in.ndjson", "{}\n");
  write_file(dir / "p.yaml", parse_pipeline("  - {name: stamp, plugin: stamp, config: {fail_init: true}}\n"));
  auto r = run_in(dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("p.yaml:7:5: error: stage 'stamp' (stamp 2.0.0) failed to initialise: told to fail in init") !=
        std::string::npos);
}

TEST_CASE("a missing input file fails the run with its path", "[run][errors]") {
  auto dir = scratch_dir("missing_input");
  write_file(dir / "p.yaml", parse_pipeline());
  auto r = run_in(dir);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("in.ndjson") != std::string::npos);
}

TEST_CASE("SIGTERM mid-run drains what was read, writes no half batch and prints the balance", "[run][signal]") {
  auto dir = scratch_dir("sigterm");
  write_file(dir / "p.yaml", R"(name: endless
source:
  plugin: generate
  config: {count: 0, seed: 3, malformed_rate: 0, invalid_rate: 0}
stages:
  - {name: parse, plugin: json_parse}
sink:
  plugin: ndjson_sink
  config: {path: "-"}
batch_size: 100
)");
  bool sent = false;
  ProcessOptions o;
  o.cwd = dir;
  o.on_stdout = [&sent](const std::string& out, int pid) {
    if (!sent && out.size() > 200000) {
      kill(pid, SIGTERM);
      sent = true;
    }
  };
  auto r = run_sluice({"run", "p.yaml", "--stats-json", "stats.json"}, o);
  REQUIRE(sent);
  CHECK(r.exit_code == 143);
  CHECK(r.err.find("interrupted") != std::string::npos);
  CHECK(r.err.find("[ok]") != std::string::npos);
  REQUIRE(!r.out.empty());
  CHECK(r.out.back() == '\n');
  auto lines = lines_of(r.out);
  for (const std::string& line : lines) REQUIRE_NOTHROW(boost::json::parse(line));
  auto stats = stats_of(dir);
  CHECK(stats.at("interrupted").as_bool());
  CHECK(stats.at("balance_ok").as_bool());
  CHECK(stats.at("delivered").to_number<std::size_t>() == lines.size());
}

TEST_CASE("output and balance do not depend on concurrency, max_in_flight or batch_size", "[run][order]") {
  auto dir = scratch_dir("invariance");
  write_file(dir / "p.yaml", R"(name: invariance
source:
  plugin: file_source
  config: {path: in.ndjson}
stages:
  - {name: parse, plugin: json_parse}
  - {name: stamp, plugin: stamp@^1}
sink:
  plugin: ndjson_sink
  config: {path: out.ndjson}
dead_letter:
  plugin: ndjson_sink
  config: {path: dead.ndjson}
)");
  {
    ProcessOptions o;
    o.cwd = dir;
    auto gen = run_sluice({"run", std::string(SLUICE_SOURCE_DIR) + "/pipelines/generate.yaml", "--quiet"},
                          [&] {
                            ProcessOptions g = o;
                            g.env = {{"COUNT", "20000"}, {"OUTPUT", (dir / "in.ndjson").string()}};
                            return g;
                          }());
    REQUIRE(gen.exit_code == 0);
  }
  std::string reference_out, reference_dead;
  struct Setting {
    const char* threads;
    const char* batch;
    const char* in_flight;
  };
  for (Setting s : {Setting{"1", "4096", "1"}, Setting{"2", "1", "3"}, Setting{"2", "7", "64"},
                    Setting{"4", "4096", "2"}, Setting{"3", "7", "1"}}) {
    auto r = run_in(dir, {"--threads", s.threads, "--batch-size", s.batch, "--max-in-flight", s.in_flight});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(stats_of(dir).at("balance_ok").as_bool());
    std::string out = read_file(dir / "out.ndjson"), dead = read_file(dir / "dead.ndjson");
    if (reference_out.empty()) {
      reference_out = out;
      reference_dead = dead;
      CHECK(lines_of(out).size() > 19000);
      CHECK(!dead.empty());
    } else {
      INFO("threads " << s.threads << ", batch " << s.batch << ", in flight " << s.in_flight);
      CHECK(out == reference_out);
      CHECK(dead == reference_dead);
    }
  }
}

TEST_CASE("the report stamps when the first batch was committed, and the start-up after main()", "[run][startup]") {
  auto dir = scratch_dir("startup");
  write_file(dir / "in.ndjson", "{\"id\":1}\n{\"id\":2}\n");
  write_file(dir / "p.yaml", parse_pipeline());
  const auto before = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto r = run_in(dir);
  const auto after = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto stats = stats_of(dir);
  const int64_t first = stats.at("first_batch_unix_ns").to_number<int64_t>();
  CHECK(first > before);
  CHECK(first < after);
  const double startup = stats.at("startup_ms").to_number<double>();
  CHECK(startup > 0);
  CHECK(startup * 1e6 < static_cast<double>(first - before));  // main() comes after the spawn
}

TEST_CASE("the report's batch latency buckets add up to its count and hold its quantiles", "[run][latency]") {
  auto dir = scratch_dir("latency_buckets");
  std::string input;
  for (int i = 1; i <= 60; ++i) input += "{\"n\":" + std::to_string(i) + "}\n";
  write_file(dir / "in.ndjson", input);
  write_file(dir / "p.yaml", parse_pipeline("", "batch_size: 2\n"));  // 30 batches of records
  auto r = run_in(dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const boost::json::object latency = stats_of(dir).at("batch_latency_us").as_object();
  const auto count = latency.at("count").to_number<uint64_t>();
  REQUIRE(count >= 30);  // the source may close with a last, empty batch
  const boost::json::array& buckets = latency.at("buckets").as_array();
  REQUIRE_FALSE(buckets.empty());

  // [lower, upper, batches], ascending, not overlapping, none empty; together every batch.
  uint64_t total = 0;
  double previous_upper = 0;
  for (const boost::json::value& b : buckets) {
    const boost::json::array& bucket = b.as_array();
    REQUIRE(bucket.size() == 3);
    INFO(boost::json::serialize(bucket));
    const double lower = bucket[0].to_number<double>();
    const double upper = bucket[1].to_number<double>();
    CHECK(lower >= previous_upper);
    CHECK(lower < upper);
    CHECK(bucket[2].to_number<uint64_t>() > 0);
    total += bucket[2].to_number<uint64_t>();
    previous_upper = upper;
  }
  CHECK(total == count);

  // The quantiles are read off the same buckets: p50 is the upper bound of the bucket that
  // holds the middle batch (or the maximum, where that is lower); the maximum lies in the last.
  const double max = latency.at("max").to_number<double>();
  const boost::json::array& last = buckets.back().as_array();
  CHECK(max >= last[0].to_number<double>());
  CHECK(max < last[1].to_number<double>());
  uint64_t seen = 0;
  for (const boost::json::value& b : buckets) {
    seen += b.as_array()[2].to_number<uint64_t>();
    if (seen >= (count + 1) / 2) {
      CHECK(latency.at("p50").to_number<double>() == std::min(b.as_array()[1].to_number<double>(), max));
      break;
    }
  }
}
