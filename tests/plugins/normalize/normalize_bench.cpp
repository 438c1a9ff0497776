// Per-record cost of the reference normalize step on an NDJSON file of events.
//   normalize_bench events.ndjson [rounds] [config-yaml] [records-per-batch]
#include <time.h>

#include <boost/json/parse.hpp>
#include <cstdio>
#include <fstream>
#include <sluice/sdk/testing.hpp>
#include <string>
#include <vector>

#include "normalize.hpp"

namespace sdk = sluice::sdk;

namespace {

double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s events.ndjson [rounds] [config-yaml] [records-per-batch]\n", argv[0]);
    return 2;
  }
  const std::size_t batch_records = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 4096;
  std::vector<std::vector<std::string>> lines(1);
  {
    std::ifstream in(argv[1]);
    std::string line;
    while (std::getline(in, line)) {
      boost::json::error_code ec;
      auto v = boost::json::parse(line, ec);
      if (ec || !v.is_object()) continue;  // normalize sees parsed objects only
      if (lines.back().size() == batch_records) lines.emplace_back();
      lines.back().push_back(line);
    }
  }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const char* reference = R"(
operations:
  - {op: rename, from: src, to: source}
  - {op: default, field: source, value: unknown}
  - {op: lowercase, field: event_type}
  - {op: trim, field: user.country}
  - {op: uppercase, field: user.country}
  - {op: parse_timestamp, field: ts, to: timestamp_ms, format: rfc3339, remove_source: true}
)";
  auto stage =
      sdk::testing::make_stage<sluice::plugins::normalize::NormalizeStage>(argc > 3 && *argv[3] ? argv[3] : reference);
  double best = 1e30;
  std::size_t records = 0;
  for (int round = 0; round < rounds; ++round) {
    // Each batch is normalized right after it is parsed, as in a pipeline, so its values are
    // as warm in the caches as they would be there.
    records = 0;
    double seconds = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto batch = sdk::testing::make_json_batch(lines[i], i);
      batch->set_stage("normalize");
      records += batch->size();
      const double t0 = thread_seconds();
      stage.stage->process(*batch);
      seconds += thread_seconds() - t0;
    }
    best = std::min(best, seconds);
  }
  std::printf("normalize (%s)  %6.1f ns/record  %6.2f M records/s  (%zu records, %zu a batch)\n",
              argc > 3 && *argv[3] ? argv[3] : "reference operations", best * 1e9 / records, records / best / 1e6,
              records, batch_records);
  return 0;
}
