// json_parse: strict RFC 8259 parsing of raw NDJSON lines into the batch arena, and the same
// lines only tokenized (a handler that builds nothing), which splits the stage's cost between
// reading JSON and building Boost.JSON values.
#include <boost/json/basic_parser_impl.hpp>
#include <catch2/catch.hpp>

#include "reference_input.hpp"

namespace sluice::bench {
namespace {

namespace json = boost::json;

// Accepts every event and keeps nothing: what basic_parser costs without building values.
struct NullHandler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  std::size_t events = 0;  // read after parsing, so that nothing is optimized away

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) { return events += n, true; }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) { return events += n, true; }
  bool on_key_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_key(json::string_view s, std::size_t, json::error_code&) { return events += s.size(), true; }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view s, std::size_t, json::error_code&) { return events += s.size(), true; }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return ++events, true; }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return ++events, true; }
  bool on_double(double, json::string_view, json::error_code&) { return ++events, true; }
  bool on_bool(bool, json::error_code&) { return ++events, true; }
  bool on_null(json::error_code&) { return ++events, true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

TEST_CASE("json_parse stage", "[parse]") {
  // Fresh raw batches each run: parsing fills their values and arenas, as in the pipeline
  // (page faults of a new arena included).
  BENCHMARK_ADVANCED("json_parse: batch of 1000 sample lines")(Catch::Benchmark::Chronometer meter) {
    std::vector<std::unique_ptr<sdk::Batch>> batches;
    for (int i = 0; i < meter.runs(); ++i) batches.push_back(sample_batch(static_cast<std::size_t>(i), Step::raw));
    meter.measure([&](int i) { run_stage(Step::parse, *batches[static_cast<std::size_t>(i)]); });
  };

  // The same strict options as the stage (the defaults), the same lines, no values built.
  const std::vector<std::string>& lines = sample_lines();
  json::basic_parser<NullHandler> parser{json::parse_options{}};
  BENCHMARK("json_parse: 1000 sample lines tokenized only") {
    std::size_t events = 0;
    for (std::size_t i = 0; i < kBatchRecords; ++i) {
      parser.reset();
      parser.handler().events = 0;
      json::error_code ec;
      parser.write_some(false, lines[i].data(), lines[i].size(), ec);
      events += parser.handler().events;
    }
    return events;
  };
}

}  // namespace
}  // namespace sluice::bench
