// The general operations beyond the reference step: typed captures, nested targets, defaults,
// lookups with several columns, filter conditions and the order operations run in.
#include "regex_enrich.hpp"
#include "temp_dir.hpp"

#include <sluice/sdk/testing.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace json = boost::json;
namespace sdk = sluice::sdk;
namespace st = sluice::sdk::testing;
using sluice::plugins::regex_enrich::RegexEnrichStage;
using sluice::test_support::TempDir;

namespace {

std::unique_ptr<sdk::Batch> run_lines(RegexEnrichStage& stage, const std::vector<std::string>& lines) {
  auto batch = st::make_json_batch(lines);
  st::run(stage, *batch, "enrich");
  return batch;
}

const json::object& object_of(const sdk::Batch& batch, std::size_t i) { return batch.records()[i].value.as_object(); }

}  // namespace

TEST_CASE("captures convert to their type; unconvertible or absent captures give the default or leave the field") {
  auto t = st::make_stage<RegexEnrichStage>(R"(
extract:
  - field: s
    pattern: '^(\w+)=(-?[\d.e+]*)(?:;(x))?'
    captures:
      - {group: 0, field: whole}
      - {group: 1, field: name, if_empty: none}
      - {group: 2, field: as_int, type: integer, default: -1}
      - {group: 2, field: as_number, type: number}
      - {group: 3, field: flag, default: null}
)");
  auto batch = run_lines(*t.stage, {R"({"s":"a=42"})", R"({"s":"b=1.5;x"})", R"({"s":"c=99999999999999999999"})",
                                    R"({"s":"d="})", R"({"s":"no match"})", R"({"s":"e=-7"})"});
  const json::object& a = object_of(*batch, 0);
  CHECK(a.at("whole") == "a=42");
  CHECK(a.at("name") == "a");
  CHECK(a.at("as_int") == 42);
  CHECK(a.at("as_number").is_double());
  CHECK(a.at("as_number") == 42.0);
  CHECK(a.at("flag").is_null());  // group 3 took no part: its default, null

  const json::object& b = object_of(*batch, 1);
  CHECK(b.at("as_int") == -1);  // 1.5 is not an integer
  CHECK(b.at("as_number") == 1.5);
  CHECK(b.at("flag") == "x");

  const json::object& c = object_of(*batch, 2);
  CHECK(c.at("as_int") == -1);  // too big for an integer
  CHECK(c.at("as_number") == 1e20);

  const json::object& d = object_of(*batch, 3);
  CHECK(d.at("as_int") == -1);                       // empty
  CHECK(d.if_contains("as_number") == nullptr);      // empty, and no default: left unset

  const json::object& none = object_of(*batch, 4);
  CHECK(none.if_contains("whole") == nullptr);
  CHECK(none.if_contains("name") == nullptr);
  CHECK(none.at("as_int") == -1);
  CHECK(none.at("flag").is_null());

  CHECK(object_of(*batch, 5).at("as_int") == -7);
}

TEST_CASE("if_empty replaces an empty string capture only") {
  auto t = st::make_stage<RegexEnrichStage>(R"(
extract:
  - {field: s, pattern: '^([a-z]*)', captures: [{group: 1, field: word, if_empty: "-"}]}
)");
  auto batch = run_lines(*t.stage, {R"({"s":"abc1"})", R"({"s":"1abc"})"});
  CHECK(object_of(*batch, 0).at("word") == "abc");
  CHECK(object_of(*batch, 1).at("word") == "-");
}

TEST_CASE("classify without a default leaves the target as it was when no rule matches") {
  auto t = st::make_stage<RegexEnrichStage>(R"(
classify:
  - {field: ua, rules: [{name: fox, pattern: 'Firefox'}], target: family}
)");
  auto batch = run_lines(*t.stage, {R"({"ua":"Firefox/1"})", R"({"ua":"Chrome/1","family":"kept"})", R"({})"});
  CHECK(object_of(*batch, 0).at("family") == "fox");
  CHECK(object_of(*batch, 1).at("family") == "kept");
  CHECK(object_of(*batch, 2).if_contains("family") == nullptr);
}

TEST_CASE("dotted targets create missing parent objects; a parent that is not an object dead-letters the record") {
  auto t = st::make_stage<RegexEnrichStage>(R"(
classify:
  - {field: client.ua, rules: [{name: fox, pattern: 'Firefox'}], target: client.info.family, default: other}
)");
  auto batch = run_lines(*t.stage, {R"({"client":{"ua":"Firefox/1"}})", R"({"client":"Firefox"})",
                                    R"({"client":{"ua":"x","info":7}})"});
  CHECK(object_of(*batch, 0).at("client").at("info").at("family") == "fox");
  CHECK(batch->records()[1].fate == sdk::Fate::dead);
  CHECK(batch->records()[1].dead->reason == "enrich_error");
  CHECK(batch->records()[1].dead->detail == "cannot set 'client.info.family': 'client' is not an object");
  CHECK(batch->records()[2].fate == sdk::Fate::dead);
  CHECK(batch->records()[2].dead->detail == "cannot set 'client.info.family': 'info' is not an object");
}

TEST_CASE("a later classify entry sees what an earlier one wrote to its field") {
  auto t = st::make_stage<RegexEnrichStage>(R"(
classify:
  - {field: v, rules: [{name: big, pattern: '^\d{3,}$'}], target: v, default: small}
  - {field: v, rules: [{name: was big, pattern: '^big$'}], target: w, default: was small}
  - {field: w, rules: [{name: yes, pattern: 'big'}], target: x, default: no}
)");
  auto batch = run_lines(*t.stage, {R"({"v":"1234"})", R"({"v":"12"})"});
  CHECK(object_of(*batch, 0).at("w") == "was big");
  CHECK(object_of(*batch, 0).at("x") == "yes");
  CHECK(object_of(*batch, 1).at("w") == "was small");
  CHECK(object_of(*batch, 1).at("x") == "no");
}

TEST_CASE("classify, extract, lookup and filter run in that order on each record") {
  TempDir dir;
  dir.write("hosts.csv", "host,owner\nshop.example.com,retail\n");
  auto t = st::make_stage<RegexEnrichStage>(R"(
filter:
  - {field: owner, equals: retail}
lookup:
  - {field: host, table: hosts.csv, columns: {owner: owner}}
extract:
  - {field: url, pattern: '//([^/]+)', captures: [{group: 1, field: host}]}
classify:
  - {field: kind, rules: [{name: web, pattern: '^w'}], target: url_kind}
)",
                                            "enrich", dir.path());
  auto batch = run_lines(*t.stage, {R"({"url":"https://shop.example.com/x"})", R"({"url":"https://a.com/"})"});
  CHECK(batch->records()[0].fate == sdk::Fate::filtered);  // lookup saw extract's host, filter saw owner
  CHECK(object_of(*batch, 0).at("owner") == "retail");
  CHECK(batch->records()[1].alive());
  CHECK(object_of(*batch, 1).if_contains("owner") == nullptr);
}

TEST_CASE("a lookup fills several columns; key_column defaults to the first; quoted CSV fields are read") {
  TempDir dir;
  dir.write("plans.csv", "\xEF\xBB\xBFplan,tier,\"label, long\"\r\n\r\nfree,0,\"Free \"\"basic\"\"\"\r\npro,1,Pro\r\n");
  auto t = st::make_stage<RegexEnrichStage>(R"(
lookup:
  - field: user.plan
    table: plans.csv
    columns: {plan_tier: tier, plan_info.label: 'label, long'}
    default: {plan_tier: none}
)",
                                            "enrich", dir.path());
  auto batch = run_lines(*t.stage, {R"({"user":{"plan":"free"}})", R"({"user":{"plan":"pro"}})",
                                    R"({"user":{"plan":"team"}})"});
  CHECK(object_of(*batch, 0).at("plan_tier") == "0");
  CHECK(object_of(*batch, 0).at("plan_info").at("label") == "Free \"basic\"");
  CHECK(object_of(*batch, 1).at("plan_tier") == "1");
  CHECK(object_of(*batch, 1).at("plan_info").at("label") == "Pro");
  CHECK(object_of(*batch, 2).at("plan_tier") == "none");
  CHECK(object_of(*batch, 2).if_contains("plan_info") == nullptr);  // no default: left unset
}

TEST_CASE("filter conditions: equals, in and matches; a record meeting any one is filtered") {
  auto t = st::make_stage<RegexEnrichStage>(R"(
filter:
  - {field: status, equals: 500}
  - {field: tag, in: [spam, "42", true]}
  - {field: agent.name, matches: '(?i)crawler'}
)");
  auto batch = run_lines(*t.stage, {
                                       R"({"status":500})",
                                       R"({"status":500.0})",
                                       R"({"status":"500"})",
                                       R"({"tag":"spam"})",
                                       R"({"tag":"42"})",
                                       R"({"tag":42})",
                                       R"({"tag":true})",
                                       R"({"agent":{"name":"SomeCrawler/1"}})",
                                       R"({"agent":{"name":7}})",
                                       R"({"other":1})",
                                   });
  const std::vector<bool> filtered = {true, true, false, true, true, false, true, true, false, false};
  for (std::size_t i = 0; i < filtered.size(); ++i) {
    INFO("record " << i);
    CHECK((batch->records()[i].fate == sdk::Fate::filtered) == filtered[i]);
  }
  CHECK(batch->counts().filtered == 6);
  CHECK(batch->counts().dead == 0);
}
