// Hot swap inside the runtime: a reentrant stage's old library unloads after its last batch, a
// stateful stage's state moves at a batch boundary, a failing hand-over rolls back, and a swap
// that finds no batch boundary in time changes nothing.
#include "admin/admin_routes.hpp"
#include "admin/pipeline_status.hpp"
#include "config/pipeline_spec.hpp"
#include "plugin/plugin_registry.hpp"
#include "runtime/pipeline.hpp"
#include "runtime/stage_call.hpp"
#include "enrich_stages.hpp"
#include "sqlite_query.hpp"

#include <sluice/sdk/yaml_config.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <thread>

#include <dlfcn.h>

namespace {

namespace fs = std::filesystem;
using sluice::runtime::Pipeline;
using sluice::runtime::RunPhase;
using sluice::runtime::RunState;
using sluice::runtime::StageSlot;
using sluice::runtime::SwapError;
using sluice::runtime::SwapRequest;

const fs::path kBinary = SLUICE_BINARY_DIR;

fs::path scratch(const std::string& name) {
  fs::path dir = kBinary / "test-scratch" / "hot_swap" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

sluice::plugin::PluginRegistry registry() {
  return sluice::plugin::PluginRegistry(
      {kBinary / "lib" / "sluice" / "plugins", kBinary / "test-plugins" / "good", kBinary / "test-plugins" / "tally"});
}

// Waits for a condition the pipeline will reach; fails the test after a generous deadline
// instead of hanging.
void wait_until(const std::function<bool()>& condition, const char* what) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("timed out waiting until " << what);
    std::this_thread::yield();
  }
}

// A pipeline running on a thread of its own until stop().
class RunningPipeline {
 public:
  RunningPipeline(const fs::path& dir, const std::string& yaml) {
    fs::path file = dir / "p.yaml";
    std::ofstream(file) << yaml;
    auto reg = registry();
    pipeline_ = std::make_unique<Pipeline>(sluice::config::parse_pipeline(yaml, file), reg,
                                           sluice::runtime::AssembleOptions{false, 2, 0, 0});
    thread_ = std::thread([this] { pipeline_->run(state_); });
    wait_until([this] { return pipeline_->phase() == RunPhase::running && state_.delivered.load() > 0; },
               "the pipeline delivers records");
  }
  ~RunningPipeline() { stop(); }
  void stop() {
    state_.request_stop();
    if (thread_.joinable()) thread_.join();
  }
  Pipeline& pipeline() { return *pipeline_; }
  RunState& state() { return state_; }

 private:
  RunState state_;
  std::unique_ptr<Pipeline> pipeline_;
  std::thread thread_;
};

std::string pipeline_yaml(const std::string& stage, const std::string& out, double rate) {
  std::ostringstream y;
  y << "name: hot_swap\n"
    << "source: {plugin: generate, config: {count: 0, rate: " << rate << ", malformed_rate: 0, invalid_rate: 0}}\n"
    << "stages:\n  - {name: parse, plugin: json_parse}\n  - " << stage << "\n"
    << "sink: {plugin: ndjson_sink, config: {path: \"" << out << "\"}}\n"
    << "batch_size: 100\n";
  return y.str();
}

bool library_loaded(const fs::path& file) {
  void* handle = dlopen(file.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  if (handle) dlclose(handle);  // NOLOAD still took a reference
  return handle != nullptr;
}

std::vector<boost::json::object> read_records(const fs::path& file) {
  std::vector<boost::json::object> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) out.push_back(boost::json::parse(line).as_object());
  return out;
}

SwapRequest swap_to(const std::string& stage, const std::string& version) {
  SwapRequest r;
  r.stage = stage;
  r.version_requirement = version;
  r.origin = "test";
  return r;
}

}  // namespace

TEST_CASE("a reentrant stage's old version finishes its batches and its library unloads after the last",
          "[runtime][swap]") {
  fs::path dir = scratch("unload");
  RunningPipeline run(dir, pipeline_yaml("{name: stamp, plugin: stamp@1.0.0}", "/dev/null", 20000));
  sluice::runtime::StageSlot& slot = *run.pipeline().find("stamp");

  // What a batch does on entering the stage: it holds the version current then.
  std::shared_ptr<sluice::runtime::StageInstance> in_flight = slot.current();
  std::weak_ptr<const sluice::plugin::LoadedPlugin> old_library = in_flight->plugin;
  const fs::path old_file = in_flight->description().file;
  REQUIRE(in_flight->description().version == "1.0.0");

  auto result = run.pipeline().swap_stage(swap_to("stamp", "1.1.0"));
  REQUIRE(result.ok());
  CHECK(result.previous_version == "1.0.0");
  CHECK(result.version == "1.1.0");
  CHECK(slot.current()->description().version == "1.1.0");
  CHECK(slot.counters.swaps_done.load() == 1);

  // Still usable by the batch that holds it, library and all.
  CHECK_FALSE(old_library.expired());
  CHECK(library_loaded(old_file));
  in_flight.reset();
  wait_until([&] { return old_library.expired(); }, "the last batch on 1.0.0 lets it go");
  CHECK_FALSE(library_loaded(old_file));
  CHECK(library_loaded(slot.current()->description().file));
}

TEST_CASE("a stateful stage swaps between two batches and its state moves to the new version", "[runtime][swap]") {
  fs::path dir = scratch("stateful");
  RunningPipeline run(dir, pipeline_yaml("{name: tally, plugin: tally@1.0.0}", (dir / "out.ndjson").string(), 20000));
  sluice::runtime::StageSlot& slot = *run.pipeline().find("tally");

  auto result = run.pipeline().swap_stage(swap_to("tally", "1.0.1"));
  REQUIRE(result.ok());
  CHECK(result.version == "1.0.1");
  CHECK(slot.current()->description().version == "1.0.1");
  const uint64_t before = slot.counters.records_in.load();
  wait_until([&] { return slot.counters.records_in.load() > before + 200; }, "records after the swap");
  run.stop();

  std::vector<boost::json::object> out = read_records(dir / "out.ndjson");
  REQUIRE(out.size() > 2);
  // Every record numbered once, in order, across the swap; 1.0.0 first, then 1.0.1 only.
  uint64_t expected = 1;
  bool swapped = false;
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    REQUIRE(out[i].at("seq").to_number<uint64_t>() == expected++);
    std::string by(out[i].at("tallied_by").as_string());
    if (by == "1.0.1") swapped = true;
    REQUIRE(by == (swapped ? "1.0.1" : "1.0.0"));
  }
  CHECK(swapped);
  // The final row counts every record: the count went on from the old version's state.
  CHECK(out.back().at("tally").to_number<uint64_t>() == expected - 1);
  CHECK(out.back().at("tallied_by").as_string() == "1.0.1");
}

TEST_CASE("a swap whose restore() throws rolls back and the old version keeps its state", "[runtime][swap]") {
  fs::path dir = scratch("restore_fails");
  RunningPipeline run(dir, pipeline_yaml("{name: tally, plugin: tally@1.0.0}", (dir / "out.ndjson").string(), 20000));
  sluice::runtime::StageSlot& slot = *run.pipeline().find("tally");

  auto result = run.pipeline().swap_stage(swap_to("tally", "1.1.0"));
  CHECK(result.error == SwapError::restore_failed);
  CHECK(sluice::runtime::http_status(result.error) == 422);
  CHECK_THAT(result.message, Catch::Contains("cannot read this state"));
  CHECK(result.version == "1.0.0");
  CHECK(slot.current()->description().version == "1.0.0");
  CHECK(slot.counters.swaps_failed.load() == 1);
  CHECK(slot.last_swap_error() == result.message);
  run.stop();

  std::vector<boost::json::object> out = read_records(dir / "out.ndjson");
  uint64_t expected = 1;
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    REQUIRE(out[i].at("seq").to_number<uint64_t>() == expected++);
    REQUIRE(out[i].at("tallied_by").as_string() == "1.0.0");
  }
  CHECK(out.back().at("tally").to_number<uint64_t>() == expected - 1);
}

TEST_CASE(
    "a serial stage's swap that meets no batch in time changes nothing; a pending one completes on the final "
    "batch",
    "[runtime][swap]") {
  fs::path dir = scratch("no_batch");
  // One record at once, the next in 1000 s: no batch boundary comes by itself.
  RunningPipeline run(dir, pipeline_yaml("{name: tally, plugin: tally@1.0.0}", (dir / "out.ndjson").string(), 0.001));
  sluice::runtime::StageSlot& slot = *run.pipeline().find("tally");

  SwapRequest quick = swap_to("tally", "1.0.1");
  quick.timeout = std::chrono::milliseconds(100);
  auto timed_out = run.pipeline().swap_stage(quick);
  CHECK(timed_out.error == SwapError::timed_out);
  CHECK(sluice::runtime::http_status(timed_out.error) == 504);
  CHECK_FALSE(slot.swap_pending());
  CHECK(slot.current()->description().version == "1.0.0");

  sluice::runtime::SwapResult later;
  std::thread waiting([&] {
    SwapRequest patient = swap_to("tally", "1.0.1");
    patient.timeout = std::chrono::seconds(60);
    later = run.pipeline().swap_stage(patient);
  });
  wait_until([&] { return slot.swap_pending(); }, "the swap is pending");
  run.stop();  // the final batch is a batch boundary too
  waiting.join();
  CHECK(later.ok());
  CHECK(slot.current()->description().version == "1.0.1");

  auto after = run.pipeline().swap_stage(swap_to("tally", "1.0.0"));
  CHECK(after.error == SwapError::not_running);
  CHECK(sluice::runtime::http_status(after.error) == 503);
  std::vector<boost::json::object> out = read_records(dir / "out.ndjson");
  REQUIRE(out.size() == 2);
  CHECK(out[0].at("tallied_by").as_string() == "1.0.0");
  CHECK(out[1].at("tally").to_number<int>() == 1);
  CHECK(out[1].at("tallied_by").as_string() == "1.0.1");
}

TEST_CASE("swaps that cannot apply are refused with their reason and the running version stays", "[runtime][swap]") {
  fs::path dir = scratch("refused");
  RunningPipeline run(dir, pipeline_yaml("{name: stamp, plugin: stamp@1.0.0}", "/dev/null", 20000));
  Pipeline& p = run.pipeline();

  CHECK(p.swap_stage(swap_to("nope", "1.0.0")).error == SwapError::unknown_stage);
  CHECK(p.swap_stage(swap_to("generate", "1.0.0")).error == SwapError::not_swappable);
  CHECK(p.swap_stage(swap_to("stamp", "7.0.0")).error == SwapError::load_failed);

  SwapRequest serial_into_parallel = swap_to("stamp", "1.0.0");
  serial_into_parallel.plugin = "tally";
  auto r = p.swap_stage(serial_into_parallel);
  CHECK(r.error == SwapError::not_swappable);
  CHECK_THAT(r.message, Catch::Contains("serial") || Catch::Contains("stateful"));

  SwapRequest kind = swap_to("stamp", "");
  kind.plugin = "ndjson_sink";
  CHECK(p.swap_stage(kind).error == SwapError::load_failed);

  SwapRequest sink_plugin = swap_to("sink", "");
  sink_plugin.plugin = "stamp";
  CHECK(p.swap_stage(sink_plugin).error == SwapError::not_swappable);

  SwapRequest bad_option = swap_to("stamp", "1.1.0");
  bad_option.config = sluice::sdk::parse_yaml_config("fial_init: true", "<test>");
  auto bad = p.swap_stage(bad_option);
  CHECK(bad.error == SwapError::config_rejected);
  CHECK_THAT(bad.message, Catch::Contains("fial_init"));

  SwapRequest init_throws = swap_to("stamp", "1.1.0");
  init_throws.config = sluice::sdk::parse_yaml_config("fail_init: true", "<test>");
  CHECK(p.swap_stage(init_throws).error == SwapError::init_failed);

  CHECK(p.find("stamp")->current()->description().version == "1.0.0");
  CHECK(p.swaps_done() == 0);
  CHECK(p.swaps_failed() == 7);  // the unknown stage counts nowhere
}

namespace {

// What GET /v1/pipeline says a stage leaves out.
boost::json::value skips_of(RunningPipeline& run, const char* stage) {
  boost::json::value status = sluice::admin::pipeline_status_json(run.pipeline(), run.state());
  for (const boost::json::value& s : status.at("stages").as_array())
    if (s.at("name") == stage) return s.as_object().contains("skips") ? s.at("skips") : boost::json::value();
  FAIL("no stage named " << stage);
  return boost::json::value();
}

SwapRequest sqlite_columns(const std::string& db, const char* table, std::initializer_list<const char*> names) {
  std::string text = "{path: \"" + db + "\", table: " + table + ", columns: [";
  for (const char* n : names) text += std::string("{name: ") + n + ", type: TEXT},";
  text.back() = ']';
  SwapRequest r = swap_to("sink", "");
  r.config = sluice::sdk::parse_yaml_config(text + "}", "swap.yaml");
  return r;
}

// enrich classifies user agents into `family` and `form`; at start only `family` is read. The
// source runs as fast as it can, so that batches wait in every stage when a swap comes.
std::string enrich_yaml(const std::string& db, const std::string& between, const std::string& columns, bool prune) {
  return R"(name: pruned_swap
source: {plugin: generate, config: {count: 0, rate: 0, malformed_rate: 0, invalid_rate: 0}}
stages:
  - {name: parse, plugin: json_parse}
)" + sluice::test_support::kFamilyFormEnrich + between +
         R"(sink:
  plugin: sqlite_sink
  config: {path: ")" +
         db + R"(", table: t, columns: [)" + columns + R"(]}
batch_size: 100
)" + (prune ? "" : "prune_fields: false\n");
}

}  // namespace

TEST_CASE("a slot switched at a batch gives the batches before it the old instance until they are committed",
          "[runtime][swap]") {
  using sluice::runtime::StageInstance;
  auto a = std::make_shared<StageInstance>();
  auto b = std::make_shared<StageInstance>();
  auto c = std::make_shared<StageInstance>();
  StageSlot slot(sluice::config::StageSpec{}, sluice::runtime::SlotRole::transform, a, 2);
  CHECK(slot.current_for(7, 0) == a);

  slot.reserve_switch();
  slot.exchange_from(10, b);
  CHECK(slot.current() == b);
  CHECK(slot.current_for(9, 0) == a);  // created before the switch: the old version
  CHECK(slot.current_for(10, 0) == b);
  CHECK(slot.current_for(3, 4) == a);

  slot.reserve_switch();
  slot.exchange_from(20, c);  // a second switch before the batches of the first are done
  CHECK(slot.current_for(9, 4) == a);
  CHECK(slot.current_for(15, 4) == b);
  CHECK(slot.current_for(25, 4) == c);

  // Once the sinks committed every batch before 10, nothing holds `a` any more.
  CHECK(slot.current_for(12, 10) == b);
  CHECK(a.use_count() == 1);
  CHECK(slot.current_for(25, 20) == c);
  CHECK(b.use_count() == 1);

  // A serial slot's swap armed for a later batch waits for it.
  auto pending = std::make_shared<sluice::runtime::PendingSwap>();
  REQUIRE(slot.install_pending(pending, StageSlot::kNotYet));
  CHECK(slot.swap_pending());
  CHECK_FALSE(slot.pending_due(1000));
  slot.arm_pending(30);
  CHECK_FALSE(slot.pending_due(29));
  CHECK(slot.pending_due(30));
  CHECK(slot.take_pending() == pending);
  CHECK(slot.pending_due(0));
}

// A transform that counts the batches it processes.
struct CountingTransform : sluice::sdk::Transform {
  void init(const sluice::sdk::InitContext&) override {}
  void process(sluice::sdk::Batch&) override { ++batches; }
  int batches = 0;
};

std::shared_ptr<sluice::runtime::StageInstance> counting_instance() {
  auto instance = std::make_shared<sluice::runtime::StageInstance>();
  auto stage = std::make_shared<CountingTransform>();
  instance->transform = stage.get();
  instance->stage = std::move(stage);
  return instance;
}

int batches_of(const std::shared_ptr<sluice::runtime::StageInstance>& instance) {
  return static_cast<CountingTransform*>(instance->transform)->batches;
}

TEST_CASE("each batch runs on the instance its number selects, in parallel and serial stages", "[runtime][swap]") {
  RunState state;
  auto run = [&](StageSlot& slot, uint64_t sequence) {
    sluice::sdk::Batch batch(sequence);
    sluice::runtime::call_transform(slot, batch, state);
  };
  {
    auto a = counting_instance(), b = counting_instance();
    StageSlot slot(sluice::config::StageSpec{}, sluice::runtime::SlotRole::transform, a, 2);
    slot.reserve_switch();
    slot.exchange_from(10, b);
    run(slot, 10);
    run(slot, 9);  // a batch created before the switch, arriving late
    run(slot, 11);
    CHECK(batches_of(a) == 1);
    CHECK(batches_of(b) == 2);
  }
  {
    auto a = counting_instance(), b = counting_instance();
    StageSlot slot(sluice::config::StageSpec{}, sluice::runtime::SlotRole::transform, a, 1);
    auto pending = std::make_shared<sluice::runtime::PendingSwap>();
    pending->next = b;
    std::future<sluice::runtime::SwapOutcome> outcome = pending->outcome.get_future();
    REQUIRE(slot.install_pending(pending, StageSlot::kNotYet));
    run(slot, 4);  // not armed yet: the old instance
    slot.arm_pending(6);
    run(slot, 5);
    run(slot, 6);  // the swap applies before this batch
    run(slot, 7);
    CHECK(batches_of(a) == 2);
    CHECK(batches_of(b) == 2);
    CHECK(outcome.get().error == SwapError::none);
  }
}

TEST_CASE("field pruning: a swap that reads a field an earlier stage skips re-initialises that stage with it",
          "[runtime][swap][pruning]") {
  fs::path dir = scratch("pruned_swap");
  const std::string db = (dir / "out.db").string();
  const std::string yaml = enrich_yaml(db, "", "{name: family, type: TEXT}", true);
  RunningPipeline run(dir, yaml);
  StageSlot& enrich = *run.pipeline().find("enrich");
  // At start nothing after enrich read `form`: enrich skips it.
  CHECK(run.pipeline().wanted_after(1).names() == std::vector<std::string>{"family"});
  CHECK(skips_of(run, "enrich") == boost::json::array{"form"});

  // A sink that also writes `event_type` (which enrich never writes) needs nothing of enrich.
  auto wider = run.pipeline().swap_stage(sqlite_columns(db, "wider", {"family", "event_type"}));
  INFO(wider.message);
  CHECK(wider.ok());
  CHECK(wider.reinitialised.empty());
  CHECK(enrich.counters.swaps_done.load() == 0);

  // One that writes `form` gets an enrich that computes it, from the same batch on; the admin
  // API's answer says so.
  sluice::admin::AdminRoutes routes(run.pipeline(), run.state());
  auto answer = routes.handle("POST", "/v1/stages/sink/swap",
                              R"({"config": {"path": ")" + db +
                                  R"(", "table": "widened", "columns": [{"name": "family", "type": "TEXT"},
                                  {"name": "form", "type": "TEXT"}]}})");
  INFO(answer.body);
  REQUIRE(answer.status == 200);
  boost::json::object widened = boost::json::parse(answer.body).as_object();
  CHECK(widened.at("reinitialised") == boost::json::parse(R"([{"stage": "enrich", "computes": ["form"]}])"));
  CHECK(widened.at("first_batch").as_int64() > 0);
  CHECK_FALSE(widened.contains("warning"));
  CHECK(enrich.counters.swaps_done.load() == 1);
  CHECK(enrich.current()->description().version == "1.1.0");
  CHECK(run.pipeline().wanted_after(1).contains("form"));
  CHECK(skips_of(run, "enrich").is_null());
  const uint64_t delivered = run.state().delivered.load();
  wait_until([&] { return run.state().delivered.load() > delivered + 1000; }, "the new sink writes rows");
  run.stop();

  // Every row the new sink wrote has its form: no batch reached it from the old enrich.
  auto rows = sluice::test_support::sqlite_query(db, "SELECT family, form FROM widened ORDER BY rowid");
  REQUIRE(rows.size() > 1000);
  std::size_t forms = 0;
  for (const auto& row : rows) forms += row[1] == "desktop" || row[1] == "mobile";
  CHECK(forms == rows.size());
}

TEST_CASE("field pruning: stages that run batches in parallel switch at one batch when one is re-initialised",
          "[runtime][swap][pruning]") {
  fs::path dir = scratch("pruned_parallel_swap");
  const std::string db = (dir / "out.db").string();
  // `label` writes tag "none" at start; the new config renames enrich's `form` to `tag`, so a
  // record that went through the old enrich and the new label would reach the sink without a
  // tag (NULL), and one through the new enrich and the old label with "none" after the switch.
  const std::string yaml = enrich_yaml(db, R"(  - name: label
    plugin: normalize
    config: {operations: [{op: default, field: tag, value: none}]}
)",
                                       "{name: family, type: TEXT}, {name: tag, type: TEXT}", true);
  RunningPipeline run(dir, yaml);
  REQUIRE(run.pipeline().find("enrich")->concurrency() > 1);
  REQUIRE(run.pipeline().find("label")->concurrency() > 1);
  CHECK(skips_of(run, "enrich") == boost::json::array{"form"});

  SwapRequest relabel = swap_to("label", "");
  relabel.config = sluice::sdk::parse_yaml_config("{operations: [{op: rename, from: form, to: tag}]}", "swap.yaml");
  auto r = run.pipeline().swap_stage(relabel);
  INFO(r.message);
  REQUIRE(r.ok());
  REQUIRE(r.reinitialised.size() == 1);
  CHECK(r.reinitialised[0].stage == "enrich");
  CHECK(skips_of(run, "enrich").is_null());
  const uint64_t delivered = run.state().delivered.load();
  wait_until([&] { return run.state().delivered.load() > delivered + 1000; }, "records pass the new label");
  run.stop();

  auto rows = sluice::test_support::sqlite_query(db, "SELECT tag FROM t ORDER BY rowid");
  std::size_t first = 0;
  while (first < rows.size() && rows[first][0] == "none") ++first;
  REQUIRE(first > 0);
  REQUIRE(first < rows.size());
  std::size_t relabelled = 0;
  for (std::size_t i = first; i < rows.size(); ++i) relabelled += rows[i][0] == "desktop" || rows[i][0] == "mobile";
  CHECK(relabelled == rows.size() - first);
  CHECK(first % 100 == 0);  // the switch fell between two batches
  CHECK(first == r.first_batch * 100);
}

TEST_CASE("field pruning: a switch of several stages that meets no new batch changes none of them",
          "[runtime][swap][pruning]") {
  fs::path dir = scratch("pruned_no_batch");
  const std::string db = (dir / "out.db").string();
  // One record at once, the next in 1000 s: the source creates no batch by itself.
  std::string yaml = enrich_yaml(db, "", "{name: family, type: TEXT}", true);
  yaml.replace(yaml.find("rate: 0,"), 8, "rate: 0.001,");
  RunningPipeline run(dir, yaml);
  StageSlot& enrich = *run.pipeline().find("enrich");
  StageSlot& sink = *run.pipeline().find("sink");

  SwapRequest quick = sqlite_columns(db, "quick", {"family", "form"});
  quick.timeout = std::chrono::milliseconds(100);
  auto timed_out = run.pipeline().swap_stage(quick);
  CHECK(timed_out.error == SwapError::timed_out);
  CHECK_THAT(timed_out.message, Catch::Contains("the source created no batch within 100 ms; nothing changed"));
  CHECK(timed_out.reinitialised.empty());
  CHECK_FALSE(sink.swap_pending());
  CHECK(skips_of(run, "enrich") == boost::json::array{"form"});
  CHECK(enrich.counters.swaps_done.load() == 0);
  CHECK(sink.counters.swaps_failed.load() == 1);

  // One still waiting when the run ends is answered, and changes nothing either.
  sluice::runtime::SwapResult later;
  std::thread waiting([&] {
    SwapRequest patient = sqlite_columns(db, "patient", {"family", "form"});
    patient.timeout = std::chrono::seconds(60);
    later = run.pipeline().swap_stage(patient);
  });
  wait_until([&] { return sink.swap_pending(); }, "the switch is posted");
  run.stop();
  waiting.join();
  CHECK(later.error == SwapError::not_running);
  CHECK_THAT(later.message, Catch::Contains("stopped before the source created another batch"));
  CHECK(later.reinitialised.empty());
  CHECK_FALSE(sink.swap_pending());
  CHECK(enrich.counters.swaps_done.load() == 0);
  CHECK(skips_of(run, "enrich") == boost::json::array{"form"});
}

TEST_CASE("field pruning: a swap that needs a field a stateful stage skips is refused", "[runtime][swap][pruning]") {
  fs::path dir = scratch("pruned_stateful_swap");
  const std::string db = (dir / "out.db").string();
  RunningPipeline run(dir, R"(name: pruned_stateful
source: {plugin: generate, config: {count: 0, rate: 20000, malformed_rate: 0, invalid_rate: 0}}
stages:
  - {name: parse, plugin: json_parse}
  - {name: tally, plugin: tally}
sink:
  plugin: sqlite_sink
  config: {path: ")" + db + R"(", table: t, columns: [{name: seq, type: INTEGER}]}
batch_size: 100
)");
  CHECK(skips_of(run, "tally") == boost::json::array{"tallied_by"});
  auto refused = run.pipeline().swap_stage(sqlite_columns(db, "refused", {"seq", "tallied_by"}));
  CHECK(refused.error == SwapError::not_swappable);
  CHECK_THAT(refused.message, Catch::Contains("the stages after 'tally' would read tallied_by, which that stage "
                                              "skips, and it holds state") &&
                                  Catch::Contains("prune_fields: false"));
  CHECK(run.pipeline().find("tally")->counters.swaps_done.load() == 0);
  CHECK(run.pipeline().find("sink")->counters.swaps_failed.load() == 1);
}

TEST_CASE("field pruning: without it the same swap needs no re-initialisation", "[runtime][swap][pruning]") {
  fs::path dir = scratch("unpruned_swap");
  const std::string db = (dir / "out.db").string();
  RunningPipeline run(dir, enrich_yaml(db, "", "{name: family, type: TEXT}", false));
  CHECK(run.pipeline().wanted_after(1).all());
  CHECK(skips_of(run, "enrich").is_null());
  auto accepted = run.pipeline().swap_stage(sqlite_columns(db, "accepted", {"family", "form"}));
  INFO(accepted.message);
  CHECK(accepted.ok());
  CHECK(accepted.reinitialised.empty());
  CHECK(run.pipeline().find("enrich")->counters.swaps_done.load() == 0);
}
