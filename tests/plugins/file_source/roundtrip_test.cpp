#include "file_source.hpp"
#include "generate.hpp"
#include "ndjson_sink.hpp"

#include <sluice/sdk/testing.hpp>

#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using sluice::sdk::Batch;
using sluice::sdk::testing::make_stage;

namespace {

struct Line {
  std::string raw;
  uint64_t line;
  bool operator==(const Line& o) const { return raw == o.raw && line == o.line; }
};

template <class SourceT>
std::vector<Line> drain(SourceT& source, sluice::plugins::ndjson_sink::NdjsonSink* sink = nullptr) {
  std::vector<Line> lines;
  bool more = true;
  for (uint64_t seq = 0; more; ++seq) {
    Batch batch(seq);
    batch.set_stage("source");
    more = source.next(batch);
    for (const auto& r : batch.records()) lines.push_back(Line{std::string(r.raw), r.line});
    if (sink) sink->write(batch);
  }
  return lines;
}

}  // namespace

TEST_CASE("a generated file read back gives the generated records and line numbers", "[file_source][roundtrip]") {
  const fs::path path = fs::temp_directory_path() / ("sluice_roundtrip_" + std::to_string(::getpid()) + ".ndjson");
  auto generator = make_stage<sluice::plugins::generate::Generate>("count: 20000\nblank_rate: 0.01\nbatch_size: 999\n");
  auto sink = make_stage<sluice::plugins::ndjson_sink::NdjsonSink>("path: '" + path.string() +
                                                                   "'\nwrite: raw\nkeep_line_numbers: true\n");
  generator.stage->start();
  sink.stage->start();
  const std::vector<Line> generated = drain(*generator.stage, sink.stage.get());
  sink.stage->stop();
  REQUIRE(generated.size() == 20000);
  REQUIRE(generated.back().line > 20100);  // blank lines took line numbers

  auto reader = make_stage<sluice::plugins::file_source::FileSource>("path: '" + path.string() + "'\n");
  reader.stage->start();
  const std::vector<Line> read = drain(*reader.stage);
  reader.stage->stop();
  fs::remove(path);
  CHECK(read == generated);
}
