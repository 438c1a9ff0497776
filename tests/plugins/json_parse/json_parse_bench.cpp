// Throughput of json_parse on an NDJSON file, and of the alternatives it was chosen over.
//   json_parse_bench events.ndjson [rounds]
#include <time.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sluice/sdk/testing.hpp>
#include <string>
#include <vector>

#include "json_parse.hpp"
#include "line_parser.hpp"

namespace sdk = sluice::sdk;
namespace json = boost::json;
using namespace sluice::plugins::json_parse;

namespace {

constexpr std::size_t kBatchRecords = 4096;

// CPU time of this thread: on a shared machine, wall time also counts other people's work.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::vector<std::vector<std::string>> read_batches(const char* path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> batches(1);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (batches.back().size() == kBatchRecords) batches.emplace_back();
    batches.back().push_back(line);
  }
  return batches;
}

void measure(const char* name, const std::vector<std::vector<std::string>>& lines, int rounds,
             const std::function<void(sdk::Batch&)>& body) {
  double best = 1e30;
  std::size_t records = 0, bytes = 0;
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::unique_ptr<sdk::Batch>> batches;
    records = bytes = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      batches.push_back(sdk::testing::make_raw_batch(lines[i], i));
      batches.back()->set_stage("parse");
      records += batches.back()->size();
      bytes += batches.back()->input().size();
    }
    const double t0 = thread_seconds();
    for (auto& b : batches) body(*b);
    const double s = thread_seconds() - t0;
    best = std::min(best, s);
  }
  std::printf("%-44s %8.0f ns/record  %6.2f M records/s  %7.1f MB/s\n", name, best * 1e9 / records,
              records / best / 1e6, bytes / best / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s events.ndjson [rounds]\n", argv[0]);
    return 2;
  }
  auto lines = read_batches(argv[1]);
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;

  auto stage = sdk::testing::make_stage<JsonParseStage>("", "parse");
  measure("json_parse stage (parser reused per batch)", lines, rounds, [&](sdk::Batch& b) { stage.stage->process(b); });

  auto skipping = sdk::testing::make_stage<JsonParseStage>("skip_contents: [payload]", "parse");
  measure("json_parse stage, skip_contents: [payload]", lines, rounds,
          [&](sdk::Batch& b) { skipping.stage->process(b); });

  const SkippedNames none;

  measure("LineParser constructed per record", lines, rounds, [&](sdk::Batch& b) {
    ParseFailure f;
    for (auto& r : b.records()) {
      LineParser p(1024, none);
      p.parse(r.raw, b.storage(), r.value, f);
    }
  });

  // The same parser writing into one pre-touched arena that is reset between batches: the
  // parse cost without the page faults of a fresh arena per batch.
  std::vector<unsigned char> warm(64u << 20, 1);
  measure("LineParser into a reused, pre-touched arena", lines, rounds, [&](sdk::Batch& b) {
    json::monotonic_resource arena(warm.data(), warm.size());
    json::storage_ptr sp(&arena);
    LineParser p(1024, none);
    ParseFailure f;
    for (auto& r : b.records()) {
      json::value v(sp);
      p.parse(r.raw, sp, v, f);
    }
  });

  json::parse_options opt;
  opt.max_depth = 1024;
  measure("boost::json::parser reused per batch", lines, rounds, [&](sdk::Batch& b) {
    alignas(json::value) unsigned char buf[4096];
    json::parser p(json::storage_ptr(), opt, buf);
    for (auto& r : b.records()) {
      json::error_code ec;
      p.reset(b.storage());
      p.write(r.raw.data(), r.raw.size(), ec);
      if (!ec) r.value = p.release();
    }
  });

  measure("boost::json::parse() per record", lines, rounds, [&](sdk::Batch& b) {
    for (auto& r : b.records()) {
      json::error_code ec;
      json::value v = json::parse(json::string_view(r.raw.data(), r.raw.size()), ec, b.storage(), opt);
      if (!ec) r.value = std::move(v);
    }
  });

  measure("boost::json::parser, heap storage", lines, rounds, [&](sdk::Batch& b) {
    json::parser p(json::storage_ptr(), opt);
    for (auto& r : b.records()) {
      json::error_code ec;
      p.reset();
      p.write(r.raw.data(), r.raw.size(), ec);
      if (!ec) json::value v = p.release();
    }
  });
  return 0;
}
