// Field pruning: told which fields the stages after it read, regex_enrich computes only those,
// the ones its own entries and filters read, and every output under a parent; and it declares
// the fields it reads.
#include "reference_config.hpp"
#include "regex_enrich.hpp"
#include "temp_dir.hpp"

#include <sluice/sdk/testing.hpp>

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace json = boost::json;
namespace sdk = sluice::sdk;
namespace st = sluice::sdk::testing;
using sluice::plugins::regex_enrich::RegexEnrichStage;
using sluice::plugins::regex_enrich::test::kPipelinesDir;
using sluice::plugins::regex_enrich::test::kReferenceConfig;
using sluice::test_support::TempDir;

namespace {

sdk::FieldSet fields(std::initializer_list<const char*> names) {
  sdk::FieldSet s;
  for (const char* n : names) s.add(n);
  return s;
}

std::vector<std::string> keys_of(const sdk::Record& r) {
  std::vector<std::string> keys;
  for (const auto& member : r.value.as_object()) keys.emplace_back(member.key());
  return keys;
}

const std::vector<std::string> kReferenceLines = {
    R"({"user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0","url":"https://a.example/x?q=1","user":{"country":"SE"}})",
    R"({"user_agent":"curl/8.4.0","url":"ftp://nowhere","user":{"country":"ZZ"}})",
    R"({"url":"http://h"})",
};

}  // namespace

TEST_CASE("with the reference config, only the fields read after the stage (and by its filter) are computed",
          "[pruning]") {
  const sdk::FieldSet wanted = fields({"browser", "region", "event_type", "timestamp_ms", "amount", "latency_ms"});
  auto pruned = st::make_stage<RegexEnrichStage>(kReferenceConfig, "enrich", kPipelinesDir, sdk::SinkRole::records,
                                                 4096, &wanted);
  auto full = st::make_stage<RegexEnrichStage>(kReferenceConfig, "enrich", kPipelinesDir);

  auto a = st::make_json_batch(kReferenceLines);
  auto b = st::make_json_batch(kReferenceLines);
  st::run(*pruned.stage, *a, "enrich");
  st::run(*full.stage, *b, "enrich");

  // The same fates (the bot is filtered either way: the filter reads `browser`).
  for (std::size_t i = 0; i < kReferenceLines.size(); ++i) CHECK(a->records()[i].fate == b->records()[i].fate);
  CHECK(a->records()[1].fate == sdk::Fate::filtered);
  // The wanted fields have the same values; os, browser_major, url_host and url_path are not computed.
  for (std::size_t i : {0u, 2u}) {
    const json::object& p = a->records()[i].value.as_object();
    const json::object& f = b->records()[i].value.as_object();
    CHECK(p.at("browser") == f.at("browser"));
    CHECK(p.at("region") == f.at("region"));
    for (const char* skipped : {"os", "browser_major", "url_host", "url_path"}) {
      CHECK(f.contains(skipped));
      CHECK_FALSE(p.contains(skipped));
    }
  }
  CHECK(a->records()[0].value.at("browser") == "firefox");
  CHECK(a->records()[0].value.at("region") == "EMEA");

  // What it reads: the entries' fields and the filter's. url is not read any more.
  CHECK(pruned.use.declared());
  CHECK(pruned.use.read_fields().names() == std::vector<std::string>{"browser", "user", "user_agent"});
  CHECK_FALSE(pruned.use.replaces());
  // What it may leave uncomputed: each top-level output.
  CHECK(pruned.use.skippable().names() ==
        std::vector<std::string>{"browser", "browser_major", "os", "region", "url_host", "url_path"});
  CHECK(full.use.read_fields().names() == std::vector<std::string>{"browser", "url", "user", "user_agent"});
}

TEST_CASE("every output is computed when the stages after it read every field", "[pruning]") {
  const sdk::FieldSet every = sdk::FieldSet::every();
  auto t = st::make_stage<RegexEnrichStage>(kReferenceConfig, "enrich", kPipelinesDir, sdk::SinkRole::records, 4096,
                                            &every);
  auto batch = st::make_json_batch(kReferenceLines);
  st::run(*t.stage, *batch, "enrich");
  CHECK(keys_of(batch->records()[0]) == std::vector<std::string>{"user_agent", "url", "user", "browser",
                                                                  "browser_major", "os", "url_host", "url_path",
                                                                  "region"});
}

TEST_CASE("outputs under a parent, and outputs a later entry reads, are always computed", "[pruning]") {
  TempDir dir("regex_enrich_pruning");
  dir.write("t.csv", "k,v,w\na,1,2\n");
  const std::string config = R"(
extract:
  - field: s
    pattern: '^(\w+)-(\w+)'
    captures:
      - {group: 1, field: first}
      - {group: 2, field: geo.second}
  - field: s
    pattern: '^(\w+)'
    captures:
      - {group: 1, field: unread}
lookup:
  - {field: first, table: t.csv, columns: {v: v, w: w}}
)";
  const sdk::FieldSet wanted = fields({"w"});
  auto t = st::make_stage<RegexEnrichStage>(config, "enrich", dir.path(), sdk::SinkRole::records, 4096, &wanted);
  auto batch = st::make_json_batch({R"({"s":"a-b"})", R"({"s":"a-b","geo":7})"});
  st::run(*t.stage, *batch, "enrich");
  // `first` feeds the lookup; geo.second could fail (and does, on the second record); w is wanted.
  CHECK(json::serialize(batch->records()[0].value) == R"({"s":"a-b","first":"a","geo":{"second":"b"},"w":"2"})");
  REQUIRE(batch->records()[1].fate == sdk::Fate::dead);
  CHECK(batch->records()[1].dead->detail == "cannot set 'geo.second': 'geo' is not an object");
  CHECK(t.use.read_fields().names() == std::vector<std::string>{"first", "s"});
}

TEST_CASE("a stage whose outputs nobody reads keeps only its filters", "[pruning]") {
  const sdk::FieldSet nothing;
  auto t = st::make_stage<RegexEnrichStage>(R"(
extract:
  - {field: s, pattern: '(x)', captures: [{group: 1, field: got}]}
filter:
  - {field: kind, equals: drop}
)",
                                            "enrich", {}, sdk::SinkRole::records, 4096, &nothing);
  auto batch = st::make_json_batch({R"({"s":"x","kind":"drop"})", R"({"s":"x","kind":"keep"})"});
  st::run(*t.stage, *batch, "enrich");
  CHECK(batch->records()[0].fate == sdk::Fate::filtered);
  CHECK(json::serialize(batch->records()[1].value) == R"({"s":"x","kind":"keep"})");
  CHECK(t.use.read_fields().names() == std::vector<std::string>{"kind"});
}
