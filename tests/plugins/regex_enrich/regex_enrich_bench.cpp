// Throughput of regex_enrich on generated events (not a test; built on request):
//   python3 shared/reference/gen_events.py --records 20000 > /tmp/events.ndjson
//   regex_enrich_bench /tmp/events.ndjson [repeats [part]]
// where part (reference, reference-one-pass, classify, extract, extract-one-pass, lookup, filter,
// unmemoized) runs one configuration alone, for an instruction profile:
//   valgrind --tool=callgrind --toggle-collect='*RegexEnrichStage::process*' regex_enrich_bench ... 1 <part>
// Records are parsed and user.country normalized (trim, upper-case) as the stages before
// enrich would, outside the timed region; only process() is timed, in CPU time of the calling
// thread (so a loaded machine distorts it less than wall time) on batches just walked (warm, as
// after validation), and in wall time on cold batches for 1 and 2 threads.
#include "reference_config.hpp"
#include "regex_enrich.hpp"

#include <sluice/sdk/testing.hpp>

#include <boost/json/parse.hpp>
#include <re2/re2.h>
#include <sys/resource.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <ctime>
#include <thread>
#include <vector>

namespace json = boost::json;
namespace sdk = sluice::sdk;
namespace st = sluice::sdk::testing;
using sluice::plugins::regex_enrich::RegexEnrichStage;
using sluice::plugins::regex_enrich::test::kPipelinesDir;
using sluice::plugins::regex_enrich::test::kReferenceConfig;

namespace {

constexpr std::size_t kBatchSize = 4096;

long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

std::vector<std::string> read_objects(const char* path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (!ec && v.is_object()) lines.push_back(line);
  }
  return lines;
}

void normalize_country(json::object& o) {
  json::value* user = o.if_contains("user");
  if (user == nullptr || !user->is_object()) return;
  json::value* c = user->get_object().if_contains("country");
  if (c == nullptr || !c->is_string()) return;
  std::string s(c->get_string());
  s.erase(0, s.find_first_not_of(" \t\n\v\f\r"));
  s.erase(s.find_last_not_of(" \t\n\v\f\r") + 1);
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  *c = json::string(s, c->storage());
}

std::vector<std::unique_ptr<sdk::Batch>> make_batches(const std::vector<std::string>& lines) {
  std::vector<std::unique_ptr<sdk::Batch>> batches;
  for (std::size_t i = 0; i < lines.size(); i += kBatchSize) {
    std::vector<std::string> part(lines.begin() + i, lines.begin() + std::min(lines.size(), i + kBatchSize));
    auto batch = st::make_json_batch(part, batches.size());
    for (sdk::Record& r : batch->records()) normalize_country(r.value.as_object());
    batch->set_stage("enrich");
    batches.push_back(std::move(batch));
  }
  return batches;
}

// Walks every value of a batch, as the stage before enrich (validation) does, so that the
// batch is as warm in the caches as it would be in a pipeline.
std::size_t touch(const json::value& v) {
  std::size_t n = 1;
  if (const json::object* o = v.if_object())
    for (const auto& kv : *o) n += kv.key().size() + touch(kv.value());
  else if (const json::array* a = v.if_array())
    for (const json::value& x : *a) n += touch(x);
  else if (const json::string* s = v.if_string())
    n += s->size();
  return n;
}

struct Cost {
  double cpu_ns = 1e30;      // per record, best run
  double page_faults = 0;  // per record, in that run (the arena growing into fresh pages)
};

// CPU ns per record of `config` over `repeats` fresh copies of the input, on this thread; each
// batch is walked just before its process() call, outside the timed region.
Cost measure(const std::string& config, const std::vector<std::string>& lines, int repeats) {
  auto t = st::make_stage<RegexEnrichStage>(config, "enrich", kPipelinesDir);
  Cost best;
  std::size_t touched = 0;
  for (int rep = 0; rep < repeats; ++rep) {
    auto batches = make_batches(lines);
    double total = 0;
    long faults = 0;
    for (auto& b : batches) {
      for (const sdk::Record& r : b->records()) touched += touch(r.value);
      long faults_before = minor_faults();
      double start = thread_cpu_ns();
      t.stage->process(*b);
      total += thread_cpu_ns() - start;
      faults += minor_faults() - faults_before;
    }
    double n = static_cast<double>(lines.size());
    if (total / n < best.cpu_ns) best = Cost{total / n, static_cast<double>(faults) / n};
  }
  if (touched == 0) std::printf("no input\n");
  return best;
}

void report(const char* label, const Cost& c) {
  std::printf("%-28s: %7.1f ns/record (CPU), %.3f page faults/record\n", label, c.cpu_ns, c.page_faults);
}

// Wall ns per record of `config` over `repeats` fresh copies of the input, on `threads` threads.
double measure_wall(const std::string& config, const std::vector<std::string>& lines, int repeats, int threads) {
  auto t = st::make_stage<RegexEnrichStage>(config, "enrich", kPipelinesDir);
  double best = 1e30;
  for (int rep = 0; rep < repeats; ++rep) {
    auto batches = make_batches(lines);
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int th = 0; th < threads; ++th)
      pool.emplace_back([&, th] {
        for (std::size_t b = static_cast<std::size_t>(th); b < batches.size(); b += static_cast<std::size_t>(threads))
          t.stage->process(*batches[b]);
      });
    for (auto& p : pool) p.join();
    double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, ns / static_cast<double>(lines.size()));
  }
  return best;
}

// ns per record of the rules tried one by one per record with no memo (what the memo saves).
double measure_unmemoized(const std::vector<std::string>& lines) {
  YAML::Node rules = YAML::LoadFile((kPipelinesDir / "user_agents.yaml").string());
  std::vector<std::unique_ptr<RE2>> browsers, os;
  for (const auto& r : rules["browsers"]) browsers.push_back(std::make_unique<RE2>(r["pattern"].as<std::string>()));
  for (const auto& r : rules["os"]) os.push_back(std::make_unique<RE2>(r["pattern"].as<std::string>()));
  std::vector<std::string> agents;
  for (const std::string& l : lines) {
    json::value v = json::parse(l);
    const json::value* ua = v.as_object().if_contains("user_agent");
    agents.push_back(ua != nullptr && ua->is_string() ? std::string(ua->get_string()) : std::string());
  }
  double start = thread_cpu_ns();
  long sink = 0;
  for (const std::string& a : agents) {
    for (const auto& re : browsers) {
      int major = 0;
      if (re->NumberOfCapturingGroups() > 0 ? RE2::PartialMatch(a, *re, &major) : RE2::PartialMatch(a, *re)) {
        sink += major;
        break;
      }
    }
    for (std::size_t i = 0; i < os.size(); ++i)
      if (RE2::PartialMatch(a, *os[i])) {
        sink += static_cast<long>(i);
        break;
      }
  }
  double ns = thread_cpu_ns() - start;
  std::fprintf(stderr, "(checksum %ld)\n", sink);
  return ns / static_cast<double>(agents.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: regex_enrich_bench events.ndjson [repeats [part]]\n");
    return 2;
  }
  int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  std::vector<std::string> lines = read_objects(argv[1]);
  std::printf("%zu records, batches of %zu, best of %d runs\n", lines.size(), kBatchSize, repeats);

  const std::string reference(kReferenceConfig);
  const std::string classify_only = R"(
classify:
  - {field: user_agent, rules_file: user_agents.yaml, section: browsers, target: browser, default: other,
     captures: [{group: 1, field: browser_major, type: integer, default: 0}]}
  - {field: user_agent, rules_file: user_agents.yaml, section: os, target: os, default: other}
)";
  const std::string extract_only = R"(
extract:
  - field: url
    pattern: '^https?://([^/?#]+)([^?#]*)'
    captures: [{group: 1, field: url_host, default: ""}, {group: 2, field: url_path, default: "", if_empty: "/"}]
)";
  // The same step with a URL pattern RE2 can match in one pass (group 2 is empty or starts with
  // '/', so no character could belong to either group): same results, no backtracking engine.
  std::string reference_one_pass = reference;
  reference_one_pass.replace(reference_one_pass.find("([^?#]*)"), 8, "((?:/[^?#]*)?)");
  std::string extract_one_pass = extract_only;
  extract_one_pass.replace(extract_one_pass.find("([^?#]*)"), 8, "((?:/[^?#]*)?)");
  const std::string lookup_only = R"(
lookup:
  - {field: user.country, table: regions.csv, key_column: country, columns: {region: region}, default: {region: unknown}}
)";
  const std::string filter_only = "filter:\n  - {field: event_type, equals: bot}\n";

  if (argc > 3) {
    std::string part = argv[3];
    if (part == "unmemoized") {
      std::printf("%s: %.1f ns/record (CPU)\n", part.c_str(), measure_unmemoized(lines));
      return 0;
    }
    const std::string& config = part == "classify"             ? classify_only
                                : part == "extract"            ? extract_only
                                : part == "extract-one-pass"   ? extract_one_pass
                                : part == "reference-one-pass" ? reference_one_pass
                                : part == "lookup"             ? lookup_only
                                : part == "filter"             ? filter_only
                                                               : reference;
    report(part.c_str(), measure(config, lines, repeats));
    return 0;
  }
  report("reference enrich", measure(reference, lines, repeats));
  report("reference, one-pass URL", measure(reference_one_pass, lines, repeats));
  report("  classify only", measure(classify_only, lines, repeats));
  report("  extract only", measure(extract_only, lines, repeats));
  report("  extract only, one-pass URL", measure(extract_one_pass, lines, repeats));
  report("  lookup only", measure(lookup_only, lines, repeats));
  report("  filter only", measure(filter_only, lines, repeats));
  std::printf("%-28s: %7.1f ns/record (CPU; RE2 alone, no field writes)\n", "rules one by one, no memo",
              measure_unmemoized(lines));
  std::printf("%-28s: %7.1f ns/record (wall, cold batches)\n", "reference enrich, 1 thread",
              measure_wall(reference, lines, repeats, 1));
  std::printf("%-28s: %7.1f ns/record (wall, cold batches)\n", "reference enrich, 2 threads",
              measure_wall(reference, lines, repeats, 2));
  return 0;
}
