// Hot swap end to end, on the real binary: stages swapped through the admin API while a million
// records stream, a stateful window swapped mid-stream with unchanged results, refused swaps that
// leave the pipeline as it was, a SIGHUP reload, and the admin CLI clients.
#include "admin/admin_client.hpp"
#include "enrich_stages.hpp"
#include "sluice_process.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <future>
#include <set>
#include <thread>

using namespace sluice::testing;
namespace fs = std::filesystem;
using sluice::admin::AdminClient;
using sluice::admin::AdminReply;

namespace {

const fs::path kBinary = SLUICE_BINARY_DIR;
const std::string kGood = (kBinary / "test-plugins" / "good").string();
const std::string kTally = (kBinary / "test-plugins" / "tally").string();
const std::string kWindow = (kBinary / "test-plugins" / "window").string();
const std::string kAbiMajor = (kBinary / "test-plugins" / "abi_major").string();

#if defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

// Records for the big streams; ThreadSanitizer builds run a tenth (SLUICE_SWAP_TEST_RECORDS
// overrides both).
uint64_t stream_records(uint64_t normal) {
  if (const char* env = std::getenv("SLUICE_SWAP_TEST_RECORDS")) return std::strtoull(env, nullptr, 10);
  return kSanitized ? normal / 10 : normal;
}

// `sluice run` on a thread of its own, with the admin address it prints.
class BackgroundRun {
 public:
  BackgroundRun(std::vector<std::string> args, ProcessOptions options) {
    auto user_on_stderr = options.on_stderr;
    options.on_stderr = [this, user_on_stderr](const std::string& err, int pid) {
      pid_.store(pid);
      if (!address_given_) {
        constexpr std::string_view kListening = "admin: listening on ";
        std::size_t at = err.find(kListening);
        std::size_t end = at == std::string::npos ? at : err.find_first_of(" \n", at + kListening.size());
        if (end != std::string::npos) {
          address_.set_value(err.substr(at + kListening.size(), end - at - kListening.size()));
          address_given_ = true;
        }
      }
      if (user_on_stderr) user_on_stderr(err, pid);
    };
    auto user_on_stdout = options.on_stdout;
    options.on_stdout = [this, user_on_stdout](const std::string& out, int pid) {
      pid_.store(pid);
      if (user_on_stdout) user_on_stdout(out, pid);
    };
    thread_ = std::thread([this, args = std::move(args), options = std::move(options)] {
      result_ = run_sluice(args, options);
      finished_.store(true);
      if (!address_given_) address_.set_value("");
    });
  }
  ~BackgroundRun() {
    // A failed test must not leave the pipeline running, nor hang.
    if (!finished_.load() && pid_.load() > 0) kill(pid_.load(), SIGKILL);
    if (thread_.joinable()) thread_.join();
  }

  // The admin API's HOST:PORT, once printed; fails the test if the run ends without it.
  std::string address() {
    if (address_text_.empty()) {
      std::future<std::string> f = address_.get_future();
      address_text_ = f.get();
      REQUIRE_FALSE(address_text_.empty());
    }
    return address_text_;
  }
  AdminClient client(const std::string& token = {}) {
    return AdminClient(sluice::admin::parse_admin_endpoint(address()), token, std::chrono::seconds(120));
  }
  void signal(int sig) {
    REQUIRE(pid_.load() > 0);
    kill(pid_.load(), sig);
  }
  ProcessResult wait() {
    thread_.join();
    return result_;
  }

 private:
  std::promise<std::string> address_;
  bool address_given_ = false;  // runner thread only
  std::string address_text_;
  std::atomic<int> pid_{0};
  std::atomic<bool> finished_{false};
  ProcessResult result_;
  std::thread thread_;
};

boost::json::object json_of(const AdminReply& reply) {
  INFO(reply.body);
  return boost::json::parse(reply.body).as_object();
}

boost::json::object stage_of(const boost::json::object& pipeline, const std::string& name) {
  for (const boost::json::value& s : pipeline.at("stages").as_array())
    if (s.at("name").as_string() == name) return s.as_object();
  FAIL("no stage " << name);
  return {};
}

// Waits until the pipeline runs (the admin API answers from before the first batch).
void wait_running(const AdminClient& client) {
  // The first tap of the source returns once a batch was read: the graph runs by then.
  AdminReply tap = client.get("/v1/stages/generate/tap?n=1&timeout_ms=60000");
  REQUIRE(tap.status == 200);
  REQUIRE(json_of(client.get("/v1/pipeline")).at("state").as_string() == "running");
}

std::string swap_body(const std::string& version, const std::string& extra = "") {
  return R"({"version":")" + version + "\"" + extra + "}";
}

boost::json::object stats_of(const fs::path& dir) {
  return boost::json::parse(read_file(dir / "stats.json")).as_object();
}

// The 12 digits of `"id":"evt-000000000042"` at the start of a generated record.
uint64_t id_of(std::string_view line) {
  constexpr std::string_view kPrefix = R"({"id":"evt-)";
  if (!line.starts_with(kPrefix) || line.size() < kPrefix.size() + 12) return 0;
  uint64_t id = 0;
  for (char c : line.substr(kPrefix.size(), 12)) id = id * 10 + static_cast<uint64_t>(c - '0');
  return id;
}

// The value of the last `"field":"..."` in a line (stamp appends its field at the end).
std::string string_field(std::string_view line, const std::string& field) {
  std::string key = "\"" + field + "\":\"";
  std::size_t at = line.rfind(key);
  if (at == std::string_view::npos) return {};
  std::size_t start = at + key.size();
  return std::string(line.substr(start, line.find('"', start) - start));
}

std::size_t occurrences(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE(
    "a million records stream through while the admin API swaps a stage back and forth; none is lost or "
    "repeated",
    "[swap][admin]") {
  const uint64_t count = stream_records(1'000'000);
  constexpr int kSwaps = 60;
  // As fast as it goes; paced to last twenty seconds where everything runs slower, so that
  // the swaps surely happen while records flow.
  const uint64_t rate = kSanitized ? count / 20 : 0;
  auto dir = scratch_dir("swap_stream");
  write_file(dir / "p.yaml", R"(name: swap_stream
source:
  plugin: generate
  config: {count: )" + std::to_string(count) +
                                 ", rate: " + std::to_string(rate) +
                                 R"(, seed: 5, malformed_rate: 0, invalid_rate: 0, blank_rate: 0}
stages:
  - {name: parse, plugin: json_parse}
  - {name: stamp, plugin: stamp@1.0.0}
sink:
  plugin: ndjson_sink
  config: {path: out.ndjson}
dead_letter:
  plugin: ndjson_sink
  config: {path: dead.ndjson}
batch_size: 1000
)");
  ProcessOptions o;
  o.cwd = dir;
  BackgroundRun run({"run", "p.yaml", "--quiet", "--stats-json", "stats.json", "-P", kGood, "--admin", "127.0.0.1:0"},
                    o);
  AdminClient client = run.client();
  wait_running(client);

  const char* versions[] = {"1.1.0", "2.0.0", "1.0.0"};
  int done = 0;
  uint64_t records_at_last_swap = 0;
  for (int i = 0; done < kSwaps; ++i) {
    AdminReply reply = client.post("/v1/stages/stamp/swap", swap_body(versions[i % 3]));
    INFO("swap " << i << ": " << reply.body);
    REQUIRE(reply.status == 200);
    boost::json::object answer = json_of(reply);
    CHECK(answer.at("version").as_string() == versions[i % 3]);
    ++done;
    // Records leave the stage before the next swap, so that every version stamps some.
    REQUIRE(client.get("/v1/stages/stamp/tap?n=1&timeout_ms=60000").body.size() > 0);
    if (done == kSwaps / 2) {
      std::string metrics = client.get("/metrics").body;
      CHECK(metrics.find("sluice_swaps_done_total{pipeline=\"swap_stream\"} " + std::to_string(done)) !=
            std::string::npos);
      CHECK(metrics.find("sluice_stage_info{pipeline=\"swap_stream\",stage=\"stamp\",role=\"transform\","
                         "plugin=\"stamp\",version=\"" +
                         std::string(versions[i % 3]) + "\"} 1") != std::string::npos);
    }
    if (done == kSwaps)
      records_at_last_swap = stage_of(json_of(client.get("/v1/pipeline")), "stamp").at("in").to_number<uint64_t>();
  }
  // The swaps happened while records streamed, not after.
  CHECK(records_at_last_swap < count);

  ProcessResult r = run.wait();
  INFO(r.err.substr(0, 4000));
  REQUIRE(r.exit_code == 0);
  CHECK(occurrences(r.err, "swap (admin): stage 'stamp'") == kSwaps);

  boost::json::object stats = stats_of(dir);
  CHECK(stats.at("records_in").to_number<uint64_t>() == count);
  CHECK(stats.at("delivered").to_number<uint64_t>() == count);
  CHECK(stats.at("dead").to_number<uint64_t>() == 0);
  CHECK(stats.at("balance_ok").as_bool());
  CHECK(stats.at("swaps_done").to_number<int>() == kSwaps);
  CHECK(stats.at("swaps_failed").to_number<int>() == 0);

  // Exactly the input ids, in source order, each stamped by one valid version.
  const std::string out = read_file(dir / "out.ndjson");
  const std::set<std::string> valid = {"1.0.0", "1.1.0", "2.0.0"};
  std::set<std::string> seen;
  uint64_t expected = 1;
  std::size_t changes = 0;
  std::string previous;
  std::string_view text(out);
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    REQUIRE(nl != std::string_view::npos);
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    INFO("output record " << expected << ": " << line.substr(0, 200));
    REQUIRE(id_of(line) == expected);
    REQUIRE(occurrences(line, "\"stamped_by\"") == 1);
    std::string version = string_field(line, "stamped_by");
    REQUIRE(valid.count(version) == 1);
    seen.insert(version);
    changes += !previous.empty() && version != previous;
    previous = version;
    ++expected;
  }
  CHECK(expected - 1 == count);
  CHECK(seen.size() == 3);
  CHECK(changes >= 2);
  fs::remove(dir / "out.ndjson");  // half a gigabyte
}

TEST_CASE("window_aggregate swapped mid-stream to another version gives the same metrics as a run without a swap",
          "[swap][admin][stateful]") {
  const uint64_t count = stream_records(200'000);
  auto yaml = [&](const std::string& rate) {
    return R"(name: window_swap
source:
  plugin: generate
  config: {count: )" +
           std::to_string(count) + R"(, seed: 11, rate: )" + rate + R"(}
stages:
  - {name: parse, plugin: json_parse}
  - name: normalize
    plugin: normalize
    config:
      operations:
        - {op: lowercase, field: event_type}
        - {op: parse_timestamp, field: ts, to: timestamp_ms}
  - name: aggregate
    plugin: window_aggregate@1.1.0
    config:
      time_field: timestamp_ms
      window_ms: 60000
      allowed_lateness_ms: 10000
      group_by: [event_type, src]
      metrics:
        - {name: count, op: count}
        - {name: latency_sum, op: sum, field: latency_ms}
        - {name: latency_max, op: max, field: latency_ms}
        - {name: latency_p95, op: quantile, field: latency_ms, q: 0.95}
sink:
  plugin: ndjson_sink
  config: {path: out.ndjson}
dead_letter:
  plugin: ndjson_sink
  config: {path: dead.ndjson}
batch_size: 500
)";
  };

  auto reference_dir = scratch_dir("window_reference");
  write_file(reference_dir / "p.yaml", yaml("0"));
  ProcessOptions ro;
  ro.cwd = reference_dir;
  ProcessResult reference = run_sluice({"run", "p.yaml", "--quiet", "--stats-json", "stats.json", "-P", kWindow}, ro);
  INFO(reference.err);
  REQUIRE(reference.exit_code == 0);
  REQUIRE(stats_of(reference_dir).at("rows_out").to_number<uint64_t>() > 10);

  // The same input, paced so that the swap surely lands while windows are open.
  auto dir = scratch_dir("window_swap");
  write_file(dir / "p.yaml", yaml(std::to_string(count / 2)));
  ProcessOptions o;
  o.cwd = dir;
  BackgroundRun run({"run", "p.yaml", "--quiet", "--stats-json", "stats.json", "-P", kWindow, "--admin", "0"}, o);
  AdminClient client = run.client();
  wait_running(client);
  // Some thousands of records into the windows first.
  REQUIRE(client.get("/v1/stages/normalize/tap?n=5000&timeout_ms=60000").status == 200);
  AdminReply reply = client.post("/v1/stages/aggregate/swap", swap_body("1.1.1", R"(,"timeout_ms":60000)"));
  INFO(reply.body);
  REQUIRE(reply.status == 200);
  CHECK(json_of(reply).at("previous").at("version").as_string() == "1.1.0");
  boost::json::object aggregate = stage_of(json_of(client.get("/v1/pipeline")), "aggregate");
  CHECK(aggregate.at("version").as_string() == "1.1.1");
  CHECK(aggregate.at("absorbed").to_number<uint64_t>() > 0);
  CHECK(aggregate.at("in").to_number<uint64_t>() < count);

  ProcessResult r = run.wait();
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  boost::json::object stats = stats_of(dir);
  CHECK(stats.at("balance_ok").as_bool());
  CHECK(stats.at("swaps_done").to_number<int>() == 1);
  CHECK(stats_of(reference_dir).at("absorbed") == stats.at("absorbed"));
  CHECK(read_file(dir / "out.ndjson") == read_file(reference_dir / "out.ndjson"));
  CHECK(read_file(dir / "dead.ndjson") == read_file(reference_dir / "dead.ndjson"));
}

TEST_CASE("swaps to a wrong-ABI version, a throwing init or a failing restore are refused; nothing is lost",
          "[swap][admin][errors]") {
  auto dir = scratch_dir("swap_failures");
  write_file(dir / "p.yaml", R"(name: swap_failures
source:
  plugin: generate
  config: {count: 0, seed: 3, rate: 20000, malformed_rate: 0, invalid_rate: 0, blank_rate: 0}
stages:
  - {name: parse, plugin: json_parse}
  - {name: stamp, plugin: stamp@1.0.0}
  - {name: tally, plugin: tally@1.0.0}
sink:
  plugin: ndjson_sink
  config: {path: out.ndjson}
batch_size: 200
)");
  ProcessOptions o;
  o.cwd = dir;
  BackgroundRun run({"run", "p.yaml", "--quiet", "--stats-json", "stats.json", "-P", kGood, "-P", kTally, "-P",
                     kAbiMajor, "--admin", "127.0.0.1:0"},
                    o);
  AdminClient client = run.client();
  wait_running(client);
  const std::string address = run.address();

  // Wrong ABI, through the CLI.
  ProcessResult abi = run_sluice({"swap", "--admin", address, "stamp", "1.0.1"});
  CHECK(abi.exit_code == 3);
  CHECK_THAT(abi.err, Catch::Contains("load_failed") && Catch::Contains("SDK ABI 2") &&
                          Catch::Contains("stamp 1.0.0 keeps running"));

  AdminReply init = client.post("/v1/stages/stamp/swap", swap_body("1.1.0", R"(,"config":{"fail_init":true})"));
  CHECK(init.status == 422);
  CHECK(json_of(init).at("code").as_string() == "init_failed");
  CHECK_THAT(std::string(json_of(init).at("error").as_string()), Catch::Contains("told to fail in init"));

  AdminReply restore = client.post("/v1/stages/tally/swap", swap_body("1.1.0"));
  CHECK(restore.status == 422);
  CHECK(json_of(restore).at("code").as_string() == "restore_failed");
  CHECK(json_of(restore).at("version").as_string() == "1.0.0");

  CHECK(client.post("/v1/stages/stamp/swap", "not json").status == 400);
  CHECK(client.post("/v1/stages/stamp/swap", R"({"version": 1})").status == 400);
  CHECK(client.post("/v1/stages/nope/swap", swap_body("1.0.0")).status == 404);
  CHECK(client.get("/v1/stages/stamp/swap").status == 405);
  CHECK(client.get("/v1/nothing").status == 404);

  boost::json::object status = json_of(client.get("/v1/pipeline"));
  CHECK(status.at("swaps_failed").to_number<int>() == 3);
  CHECK(status.at("swaps_done").to_number<int>() == 0);
  CHECK(stage_of(status, "stamp").at("version").as_string() == "1.0.0");
  CHECK(stage_of(status, "tally").at("version").as_string() == "1.0.0");
  CHECK(stage_of(status, "tally").at("last_swap_error").as_string().find("cannot read this state") !=
        std::string::npos);
  CHECK(client.get("/metrics").body.find("sluice_swaps_failed_total{pipeline=\"swap_failures\"} 3") !=
        std::string::npos);

  // The CLI views of the same pipeline.
  ProcessResult st = run_sluice({"status", "--admin", address});
  CHECK(st.exit_code == 0);
  CHECK_THAT(st.out, Catch::Contains("stamp@1.0.0") && Catch::Contains("tally@1.0.0") &&
                         Catch::Contains("swaps: 0 done, 3 failed"));
  ProcessResult tap = run_sluice({"tap", "--admin", address, "stamp", "-n", "3"});
  CHECK(tap.exit_code == 0);
  std::vector<std::string> tapped = lines_of(tap.out);
  REQUIRE(tapped.size() == 3);
  for (const std::string& line : tapped) CHECK(boost::json::parse(line).at("stamped_by").as_string() == "1.0.0");
  ProcessResult top = run_sluice({"top", "--admin", address, "--once"});
  CHECK(top.exit_code == 0);
  CHECK_THAT(top.out, Catch::Contains("RECORDS/S") && Catch::Contains("stamp@1.0.0"));

  // Records keep flowing after the refusals; then stop and count them all.
  REQUIRE(client.get("/v1/stages/sink/tap?n=1000&timeout_ms=60000").status == 200);
  run.signal(SIGTERM);
  ProcessResult r = run.wait();
  INFO(r.err);
  CHECK(r.exit_code == 143);
  CHECK(occurrences(r.err, "swap (admin) failed") == 3);
  boost::json::object stats = stats_of(dir);
  CHECK(stats.at("balance_ok").as_bool());
  CHECK(stats.at("swaps_failed").to_number<int>() == 3);
  std::vector<std::string> out = lines_of(read_file(dir / "out.ndjson"));
  REQUIRE(out.size() > 1000);
  CHECK(stats.at("delivered").to_number<std::size_t>() == out.size() - 1);
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    INFO(out[i]);
    REQUIRE(id_of(out[i]) == i + 1);
    boost::json::object rec = boost::json::parse(out[i]).as_object();
    REQUIRE(rec.at("stamped_by").as_string() == "1.0.0");
    REQUIRE(rec.at("tallied_by").as_string() == "1.0.0");
    REQUIRE(rec.at("seq").to_number<std::size_t>() == i + 1);
  }
  CHECK(boost::json::parse(out.back()).at("tally").to_number<std::size_t>() == out.size() - 1);
}

TEST_CASE(
    "SIGHUP reloads the pipeline file: a changed stage config is swapped in, a change of batch_size is "
    "refused",
    "[swap][reload]") {
  auto dir = scratch_dir("reload");
  auto yaml = [](const std::string& stamp, const std::string& batch_size) {
    return R"(name: reload
source:
  plugin: generate
  config: {count: 0, seed: 9, rate: 20000, malformed_rate: 0, invalid_rate: 0, blank_rate: 0}
stages:
  - {name: parse, plugin: json_parse}
  - )" + stamp +
           R"(
sink:
  plugin: ndjson_sink
  config: {path: "-"}
batch_size: )" +
           batch_size + "\n";
  };
  const std::string before = "{name: stamp, plugin: stamp@1.0.0, config: {field: stamped_by}}";
  const std::string after = "{name: stamp, plugin: stamp@1.1.0, config: {field: reloaded_by}}";
  auto rewrite = [&](const std::string& text) {
    write_file(dir / "p.next.yaml", text);
    fs::rename(dir / "p.next.yaml", dir / "p.yaml");
  };
  rewrite(yaml(before, "100"));

  // Driven by what the pipeline prints: each step waits for the previous one's effect.
  int step = 0;
  std::size_t lines_at_reload = 0;
  ProcessOptions o;
  o.cwd = dir;
  o.on_stdout = [&](const std::string& out, int pid) {
    std::size_t lines = occurrences(out, "\n");
    if (step == 0 && lines >= 500) {
      rewrite(yaml(after, "200"));  // batch_size cannot change live: the whole reload is refused
      step = 1;
      kill(pid, SIGHUP);
    } else if (step == 3 && out.find("reloaded_by") != std::string::npos) {
      lines_at_reload = lines;
      step = 4;
    } else if (step == 4 && lines >= lines_at_reload + 500) {
      step = 5;
      kill(pid, SIGTERM);
    }
  };
  o.on_stderr = [&](const std::string& err, int pid) {
    if (step == 1 && err.find("refused") != std::string::npos) {
      step = 2;
      rewrite(yaml(after, "100"));
      step = 3;
      kill(pid, SIGHUP);
    }
  };
  ProcessResult r = run_sluice({"run", "p.yaml", "--quiet", "-P", kGood}, o);
  INFO(r.err);
  REQUIRE(step == 5);
  CHECK(r.exit_code == 143);
  CHECK_THAT(r.err, Catch::Contains("batch_size (100 -> 200)") && Catch::Contains("nothing changed"));
  CHECK_THAT(r.err, Catch::Contains("swap (reload): stage 'stamp' stamp 1.0.0 -> stamp 1.1.0") &&
                        Catch::Contains("1 of 1 changed stages swapped"));

  std::vector<std::string> out = lines_of(r.out);
  REQUIRE(out.size() > 1000);
  std::size_t old_ones = 0, new_ones = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    INFO(out[i]);
    REQUIRE(id_of(out[i]) == i + 1);
    boost::json::object rec = boost::json::parse(out[i]).as_object();
    bool old_field = rec.contains("stamped_by"), new_field = rec.contains("reloaded_by");
    REQUIRE(old_field != new_field);  // exactly one stamp per record
    if (old_field) {
      REQUIRE(rec.at("stamped_by").as_string() == "1.0.0");
      ++old_ones;
    } else {
      REQUIRE(rec.at("reloaded_by").as_string() == "1.1.0");
      ++new_ones;
    }
  }
  CHECK(old_ones >= 500);
  CHECK(new_ones >= 500);
  CHECK(boost::json::parse(out.back()).as_object().contains("reloaded_by"));
}

TEST_CASE("the admin API binds 127.0.0.1 and, given a token, refuses requests without it", "[swap][admin]") {
  auto dir = scratch_dir("admin_token");
  write_file(dir / "p.yaml", R"(name: token
source:
  plugin: generate
  config: {count: 0, rate: 5000}
stages:
  - {name: parse, plugin: json_parse}
sink:
  plugin: ndjson_sink
  config: {path: /dev/null}
)");
  write_file(dir / "token", "s3cret-token\n");
  ProcessOptions o;
  o.cwd = dir;
  BackgroundRun run({"run", "p.yaml", "--quiet", "--admin", "0", "--admin-token-file", "token"}, o);
  CHECK(run.address().rfind("127.0.0.1:", 0) == 0);

  AdminReply anonymous = run.client().get("/v1/pipeline");
  CHECK(anonymous.status == 401);
  CHECK(run.client("wrong").get("/metrics").status == 401);
  AdminClient client = run.client("s3cret-token");
  wait_running(client);
  CHECK(client.get("/v1/pipeline").status == 200);
  CHECK(client.get("/metrics").body.find("# TYPE sluice_stage_batch_duration_seconds histogram") != std::string::npos);

  ProcessOptions with_env;
  with_env.env = {{"SLUICE_ADMIN_TOKEN", "s3cret-token"}};
  CHECK(run_sluice({"status", "--admin", run.address()}, with_env).exit_code == 0);
  CHECK(run_sluice({"status", "--admin", run.address()}).exit_code == 3);

  run.signal(SIGINT);
  CHECK(run.wait().exit_code == 130);
  CHECK(run_sluice({"status", "--admin", run.address()}).exit_code == 3);  // gone with the run
}

TEST_CASE("sluice swap names the stages re-initialised to compute a field they skipped", "[swap][admin][pruning]") {
  auto dir = scratch_dir("pruned_cli");
  write_file(dir / "p.yaml", R"(name: pruned_cli
source:
  plugin: generate
  config: {count: 0, rate: 20000, malformed_rate: 0, invalid_rate: 0}
stages:
  - {name: parse, plugin: json_parse}
)" + sluice::test_support::kFamilyFormEnrich + R"(sink:
  plugin: sqlite_sink
  config: {path: out.db, table: t, columns: [{name: family, type: TEXT}]}
)");
  ProcessOptions o;
  o.cwd = dir;
  BackgroundRun run({"run", "p.yaml", "--quiet", "--admin", "0"}, o);
  AdminClient client = run.client();
  wait_running(client);
  CHECK(stage_of(json_of(client.get("/v1/pipeline")), "enrich").at("skips") == boost::json::array{"form"});

  ProcessResult swap = run_sluice(
      {"swap", "--admin", run.address(), "sink", "^1", "--config",
       R"({"path": "out.db", "table": "t2", "columns": [{"name": "family", "type": "TEXT"}, {"name": "form", "type": "TEXT"}]})"},
      o);
  INFO(swap.err);
  CHECK(swap.exit_code == 0);
  CHECK_THAT(swap.out, Catch::Contains("stage 'sink': sqlite_sink 1.1.0 -> sqlite_sink 1.1.0") &&
                           Catch::Contains("with stage 'enrich' re-initialised to compute form, from batch "));
  boost::json::object enrich = stage_of(json_of(client.get("/v1/pipeline")), "enrich");
  CHECK_FALSE(enrich.contains("skips"));
  CHECK(enrich.at("swaps_done").as_int64() == 1);

  run.signal(SIGINT);
  ProcessResult done = run.wait();
  CHECK(done.exit_code == 130);
  CHECK_THAT(done.err, Catch::Contains("swap (admin): stage 'enrich' regex_enrich 1.1.0 re-initialised for the "
                                       "change to stage 'sink'"));
}
