// Behaviour of regex_enrich on records: the reference enrich step exactly, the general
// operations, and the memo of results by distinct string (same strings, across batches, when
// it fills up, concurrent batches).
#include "reference_config.hpp"
#include "regex_enrich.hpp"

#include <sluice/sdk/testing.hpp>

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace json = boost::json;
namespace sdk = sluice::sdk;
namespace st = sluice::sdk::testing;
using sluice::plugins::regex_enrich::RegexEnrichStage;
using sluice::plugins::regex_enrich::test::kPipelinesDir;
using sluice::plugins::regex_enrich::test::kReferenceConfig;

namespace {

struct UaCase {
  const char* user_agent;
  const char* browser;
  int64_t major;
  const char* os;
};

// Every user agent of the reference generator (gen_events.py USER_AGENTS), with the values
// the reference enrich step gives it.
const std::vector<UaCase> kGeneratorAgents = {
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36", "chrome", 118, "windows"},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36", "chrome", 121, "windows"},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "chrome", 120, "macos"},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36", "chrome", 119, "linux"},
    {"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36", "chrome", 120, "android"},
    {"Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36", "chrome", 116, "android"},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0", "firefox", 121, "windows"},
    {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0", "firefox", 115, "linux"},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:120.0) Gecko/20100101 Firefox/120.0", "firefox", 120, "macos"},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15", "safari", 17, "macos"},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "safari", 17, "ios"},
    {"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", "safari", 16, "ios"},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91", "edge", 120, "windows"},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 Edg/119.0.2151.97", "edge", 119, "macos"},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0", "opera", 106, "windows"},
    {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot", 0, "other"},
    {"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bot", 0, "other"},
    {"curl/8.4.0", "bot", 0, "other"},
    {"python-requests/2.31.0", "bot", 0, "other"},
    {"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "chrome", 120, "chromeos"},
    {"Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)", "other", 0, "other"},
    {"okhttp/4.12.0", "bot", 0, "other"},
};

st::StageUnderTest<RegexEnrichStage> reference_stage() {
  return st::make_stage<RegexEnrichStage>(kReferenceConfig, "enrich", kPipelinesDir);
}

std::string event_with_agent(std::string_view user_agent) {
  json::object o;
  o["id"] = "evt-1";
  o["user_agent"] = user_agent;
  o["url"] = "https://shop.example.com/cart";
  o["user"] = json::object{{"country", "US"}};
  return json::serialize(o);
}

// Classifies field `ua` as kind "v" when it ends in v<digits>, the digits going to `n`.
constexpr const char* kVersionRule = R"(
classify:
  - field: ua
    rules: [{name: v, pattern: 'v(\d+)$'}]
    target: kind
    captures: [{group: 1, field: n, type: integer}]
)";

std::unique_ptr<sdk::Batch> run_lines(RegexEnrichStage& stage, const std::vector<std::string>& lines,
                                      uint64_t sequence = 0) {
  auto batch = st::make_json_batch(lines, sequence);
  st::run(stage, *batch, "enrich");
  return batch;
}

const json::object& object_of(const sdk::Batch& batch, std::size_t i) { return batch.records()[i].value.as_object(); }

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string("<not a string>");
}

void check_agent(const json::object& o, const UaCase& c) {
  INFO(c.user_agent);
  CHECK(string_at(o, "browser") == c.browser);
  REQUIRE(o.if_contains("browser_major") != nullptr);
  CHECK(o.at("browser_major").is_int64());
  CHECK(o.at("browser_major") == json::value(c.major));
  CHECK(string_at(o, "os") == c.os);
}

}  // namespace

TEST_CASE("the reference rule file keeps its order: bot before edge and opera, both before chrome") {
  YAML::Node rules = YAML::LoadFile((kPipelinesDir / "user_agents.yaml").string());
  std::vector<std::string> browsers;
  for (const auto& r : rules["browsers"]) browsers.push_back(r["name"].as<std::string>());
  CHECK(browsers == std::vector<std::string>{"bot", "edge", "opera", "chrome", "firefox", "safari"});
  std::vector<std::string> os;
  for (const auto& r : rules["os"]) os.push_back(r["name"].as<std::string>());
  CHECK(os == std::vector<std::string>{"android", "ios", "chromeos", "windows", "macos", "linux"});
}

TEST_CASE("every generator user agent gets the first matching browser rule, its major version and OS") {
  auto t = reference_stage();
  std::vector<std::string> lines;
  for (const UaCase& c : kGeneratorAgents) lines.push_back(event_with_agent(c.user_agent));
  auto batch = run_lines(*t.stage, lines);
  for (std::size_t i = 0; i < kGeneratorAgents.size(); ++i) check_agent(object_of(*batch, i), kGeneratorAgents[i]);
}

TEST_CASE("the enrich stage of pipelines/reference.yaml gives the reference results") {
  const auto path = kPipelinesDir / "reference.yaml";
  if (!std::filesystem::exists(path)) {
    WARN("no " << path << " yet");
    return;
  }
  YAML::Node config;
  for (const auto& stage : YAML::LoadFile(path.string())["stages"])
    if (stage["plugin"].as<std::string>().rfind("regex_enrich", 0) == 0) config = stage["config"];
  REQUIRE(config.IsMap());
  auto t = st::make_stage<RegexEnrichStage>(YAML::Dump(config), "enrich", kPipelinesDir);
  std::vector<std::string> lines;
  for (const UaCase& c : kGeneratorAgents) lines.push_back(event_with_agent(c.user_agent));
  lines.push_back(R"({"url":"https://m.example.com?q=1","user":{"country":"XK"}})");
  auto batch = run_lines(*t.stage, lines);
  for (std::size_t i = 0; i < kGeneratorAgents.size(); ++i) {
    check_agent(object_of(*batch, i), kGeneratorAgents[i]);
    CHECK(string_at(object_of(*batch, i), "url_path") == "/cart");
    CHECK(string_at(object_of(*batch, i), "region") == "NA");
  }
  const json::object& last = object_of(*batch, kGeneratorAgents.size());
  CHECK(string_at(last, "url_host") == "m.example.com");
  CHECK(string_at(last, "url_path") == "/");
  CHECK(string_at(last, "region") == "unknown");
  CHECK(batch->counts().filtered == 5);
}

TEST_CASE("edge and opera user agents, which also hold Chrome/, resolve to edge and opera with their own version") {
  auto t = reference_stage();
  auto batch = run_lines(*t.stage, {event_with_agent(kGeneratorAgents[12].user_agent),
                                    event_with_agent(kGeneratorAgents[14].user_agent),
                                    event_with_agent(kGeneratorAgents[0].user_agent)});
  CHECK(string_at(object_of(*batch, 0), "browser") == "edge");
  CHECK(object_of(*batch, 0).at("browser_major") == 120);  // Edg/120, not Chrome/120 by chance
  CHECK(string_at(object_of(*batch, 1), "browser") == "opera");
  CHECK(object_of(*batch, 1).at("browser_major") == 106);  // OPR/106, Chrome/120 is in the same string
  CHECK(string_at(object_of(*batch, 2), "browser") == "chrome");
  CHECK(object_of(*batch, 2).at("browser_major") == 118);
}

TEST_CASE("a missing or non-string user_agent gives browser other, major 0 and os other") {
  auto t = reference_stage();
  auto batch = run_lines(*t.stage, {R"({"id":"a"})", R"({"user_agent":42})", R"({"user_agent":null})",
                                    R"({"user_agent":["Chrome/120"]})", R"({"user_agent":""})"});
  for (std::size_t i = 0; i < batch->size(); ++i) {
    INFO("record " << i);
    const json::object& o = object_of(*batch, i);
    CHECK(string_at(o, "browser") == "other");
    CHECK(o.at("browser_major") == 0);
    CHECK(string_at(o, "os") == "other");
    CHECK(batch->records()[i].alive());
  }
}

TEST_CASE("a rule without a capture group gives the capture's default; bots are filtered, not dead-lettered") {
  auto t = reference_stage();
  std::vector<std::string> lines;
  for (const UaCase& c : kGeneratorAgents) lines.push_back(event_with_agent(c.user_agent));
  auto batch = run_lines(*t.stage, lines);
  std::size_t bots = 0;
  for (std::size_t i = 0; i < kGeneratorAgents.size(); ++i) {
    bool bot = std::string_view(kGeneratorAgents[i].browser) == "bot";
    bots += bot ? 1 : 0;
    INFO(kGeneratorAgents[i].user_agent);
    CHECK(batch->records()[i].fate == (bot ? sdk::Fate::filtered : sdk::Fate::alive));
  }
  CHECK(bots == 5);  // Googlebot, bingbot, curl, python-requests, okhttp
  CHECK(batch->counts().filtered == bots);
  CHECK(batch->counts().dead == 0);
  CHECK(st::with_fate(*batch, sdk::Fate::dead).empty());
}

TEST_CASE("url_host and url_path come from the reference URL pattern; empty path is /, no match is empty") {
  struct UrlCase {
    std::string url_json;
    const char* host;
    const char* path;
  };
  const std::vector<UrlCase> cases = {
      {R"("https://shop.example.com/p/12")", "shop.example.com", "/p/12"},
      {R"("https://shop.example.com/c/sale#r3")", "shop.example.com", "/c/sale"},
      {R"("https://www.example.com/search?q=vip+3")", "www.example.com", "/search"},
      {R"("https://www.example.com/search?q=vip+3#r1")", "www.example.com", "/search"},
      {R"("https://m.example.com")", "m.example.com", "/"},
      {R"("https://m.example.com?q=1")", "m.example.com", "/"},
      {R"("https://m.example.com#top")", "m.example.com", "/"},
      {R"("https://m.example.com/")", "m.example.com", "/"},
      {R"("http://api.example.com/cart")", "api.example.com", "/cart"},
      {R"("https://user@host:8080/a/b")", "user@host:8080", "/a/b"},
      {R"("ftp://files.example.com/x")", "", ""},
      {R"("HTTPS://m.example.com/x")", "", ""},
      {R"("see https://m.example.com/x")", "", ""},
      {R"("https:///x")", "", ""},
      {R"("")", "", ""},
      {R"(42)", "", ""},
      {R"({"href":"https://m.example.com/x"})", "", ""},
  };
  auto t = reference_stage();
  std::vector<std::string> lines;
  for (const UrlCase& c : cases) lines.push_back(R"({"user_agent":"curlish","url":)" + c.url_json + "}");
  lines.push_back(R"({"user_agent":"curlish"})");
  auto batch = run_lines(*t.stage, lines);
  for (std::size_t i = 0; i < batch->size(); ++i) {
    const char* host = i < cases.size() ? cases[i].host : "";
    const char* path = i < cases.size() ? cases[i].path : "";
    INFO(lines[i]);
    CHECK(string_at(object_of(*batch, i), "url_host") == host);
    CHECK(string_at(object_of(*batch, i), "url_path") == path);
  }
}

TEST_CASE("region comes from regions.csv by user.country; anything not in the table is unknown") {
  auto t = reference_stage();
  auto batch = run_lines(*t.stage, {
                                       R"({"user":{"country":"DE"}})",
                                       R"({"user":{"country":"US"}})",
                                       R"({"user":{"country":"JP"}})",
                                       R"({"user":{"country":"BR"}})",
                                       R"({"user":{"country":"XK"}})",
                                       R"({"user":{"country":" de "}})",
                                       R"({"user":{"country":"de"}})",
                                       R"({"user":{"country":""}})",
                                       R"({"user":{"country":49}})",
                                       R"({"user":{}})",
                                       R"({"user":"DE"})",
                                       R"({"country":"DE"})",
                                   });
  const std::vector<std::string> expected = {"EMEA",    "NA",      "APAC",    "LATAM",   "unknown", "unknown",
                                             "unknown", "unknown", "unknown", "unknown", "unknown", "unknown"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("record " << i);
    CHECK(string_at(object_of(*batch, i), "region") == expected[i]);
  }
}

TEST_CASE("enrichment replaces fields already there and keeps the others") {
  auto t = reference_stage();
  auto batch = run_lines(*t.stage, {R"({"browser":"bot","browser_major":"x","region":1,"keep":true,)"
                                    R"("user_agent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/99.1"})"});
  const json::object& o = object_of(*batch, 0);
  CHECK(string_at(o, "browser") == "firefox");
  CHECK(o.at("browser_major") == 99);
  CHECK(string_at(o, "os") == "linux");
  CHECK(string_at(o, "region") == "unknown");
  CHECK(o.at("keep") == true);
  CHECK(batch->records()[0].alive());
}

TEST_CASE("records not alive are left alone and records that are not objects are dead-lettered") {
  auto t = reference_stage();
  auto batch = st::make_json_batch({R"({"user_agent":"curl/8"})", R"([1,2])", R"({"user_agent":"curl/8"})"});
  batch->set_stage("earlier");
  batch->filter(batch->records()[0]);
  st::run(*t.stage, *batch, "enrich");
  CHECK(object_of(*batch, 0).if_contains("browser") == nullptr);
  CHECK(batch->records()[1].fate == sdk::Fate::dead);
  CHECK(batch->records()[1].dead->reason == "enrich_error");
  CHECK(batch->records()[1].dead->stage == "enrich");
  CHECK(batch->records()[2].fate == sdk::Fate::filtered);
  CHECK(batch->counts().filtered == 2);
  CHECK(batch->counts().dead == 1);
}

TEST_CASE("the same user agent many times in one batch gets the same results as alone, in any order") {
  auto t = reference_stage();
  std::vector<std::string> lines;
  std::vector<int> which;
  uint32_t state = 12345;
  for (int i = 0; i < 4096; ++i) {
    state = state * 1103515245u + 12345u;
    int k = static_cast<int>((state >> 16) % (kGeneratorAgents.size() + 1));
    which.push_back(k);
    lines.push_back(k == static_cast<int>(kGeneratorAgents.size()) ? R"({"id":"no agent"})"
                                                                   : event_with_agent(kGeneratorAgents[k].user_agent));
  }
  auto batch = run_lines(*t.stage, lines);
  std::size_t bots = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const json::object& o = object_of(*batch, i);
    if (which[i] == static_cast<int>(kGeneratorAgents.size())) {
      REQUIRE(string_at(o, "browser") == "other");
      REQUIRE(string_at(o, "os") == "other");
      continue;
    }
    const UaCase& c = kGeneratorAgents[static_cast<std::size_t>(which[i])];
    INFO("record " << i << ": " << c.user_agent);
    REQUIRE(string_at(o, "browser") == c.browser);
    REQUIRE(o.at("browser_major") == c.major);
    REQUIRE(string_at(o, "os") == c.os);
    bots += std::string_view(c.browser) == "bot" ? 1 : 0;
  }
  CHECK(batch->counts().filtered == bots);
}

TEST_CASE("user agents differing only in their last characters are told apart within a batch") {
  auto t = st::make_stage<RegexEnrichStage>(kVersionRule);
  std::vector<std::string> lines;
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 300; ++i) lines.push_back(R"({"ua":"a long common prefix for every one of them v)" +
                                                  std::to_string(i) + "\"}");
  auto batch = run_lines(*t.stage, lines);
  for (std::size_t i = 0; i < lines.size(); ++i) REQUIRE(object_of(*batch, i).at("n") == static_cast<int64_t>(i % 300));
}

TEST_CASE("concurrent batches on one stage each get exactly their own results") {
  auto t = reference_stage();
  constexpr int kThreads = 4;
  constexpr int kBatchesPerThread = 12;
  constexpr int kRecords = 512;
  std::atomic<int> mismatches{0};
  std::atomic<uint64_t> sequence{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int b = 0; b < kBatchesPerThread; ++b) {
        std::vector<std::string> lines;
        std::vector<std::size_t> which;
        for (int i = 0; i < kRecords; ++i) {
          std::size_t k = static_cast<std::size_t>(i * (th + 1) + b) % kGeneratorAgents.size();
          which.push_back(k);
          lines.push_back(event_with_agent(kGeneratorAgents[k].user_agent));
        }
        auto batch = st::make_json_batch(lines, sequence++);
        st::run(*t.stage, *batch, "enrich");
        for (std::size_t i = 0; i < lines.size(); ++i) {
          const json::object& o = object_of(*batch, i);
          const UaCase& c = kGeneratorAgents[which[i]];
          if (string_at(o, "browser") != c.browser || o.at("browser_major") != json::value(c.major) ||
              string_at(o, "os") != c.os || string_at(o, "url_host") != "shop.example.com" ||
              string_at(o, "region") != "NA")
            ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches == 0);
}

TEST_CASE("strings that never repeat are enriched correctly, also once the memo gives up on them") {
  auto host = [](int i) { return std::string("h").append(std::to_string(i)).append(".example.com"); };
  auto path = [](int i) { return std::string("/p/").append(std::to_string(i * 7)); };
  auto t = reference_stage();
  std::vector<std::string> lines;
  for (int i = 0; i < 1500; ++i)
    lines.push_back(std::string(R"({"url":"https://)").append(host(i)).append(path(i)).append("\"}"));
  for (int i = 0; i < 500; ++i) lines.push_back(R"({"url":"https://h3.example.com/p/21"})");
  auto batch = run_lines(*t.stage, lines);
  for (int i = 0; i < 1500; ++i) {
    const json::object& o = object_of(*batch, static_cast<std::size_t>(i));
    REQUIRE(string_at(o, "url_host") == host(i));
    REQUIRE(string_at(o, "url_path") == path(i));
  }
  for (std::size_t i = 1500; i < lines.size(); ++i) {
    REQUIRE(string_at(object_of(*batch, i), "url_host") == "h3.example.com");
    REQUIRE(string_at(object_of(*batch, i), "url_path") == "/p/21");
  }
}

TEST_CASE("the one-pass URL pattern the README recommends gives the reference pattern's results") {
  auto stage_for = [](std::string_view pattern) {
    std::string config = "extract:\n  - field: url\n    pattern: '";
    config.append(pattern).append("'\n    captures:\n      - {group: 1, field: url_host, default: \"\"}\n"
                                  "      - {group: 2, field: url_path, default: \"\", if_empty: /}\n");
    return st::make_stage<RegexEnrichStage>(config);
  };
  auto reference = stage_for("^https?://([^/?#]+)([^?#]*)");
  auto one_pass = stage_for("^https?://([^/?#]+)((?:/[^?#]*)?)");
  std::vector<std::string> urls = {"https://a.b/c", "https://a.b", "https://a.b/", "https://a.b?x", "https://a.b#x",
                                   "https://a.b/?x", "https://a.b//c//", "http://a.b/c?d#e", "https://a.b/c#d?e",
                                   "https://u:p@a.b:8080/c;d", "https://a.b/ä/ö", "https://:/", "https:///c",
                                   "https://a.b?/c", "https://a.b#/c", "ftp://a.b/c", "https:/a.b/c", "", "https://"};
  for (const char* host : {"shop.example.com", "www.example.com", "m.example.com", "api.example.com"})
    for (const char* path : {"/p/1234", "/c/promo", "/", "/cart", "/search?q=vip+42", "/cart#r3", "/p/7?x=1#r2"})
      urls.push_back(std::string("https://").append(host).append(path));
  std::vector<std::string> lines;
  for (const std::string& u : urls) lines.push_back(json::serialize(json::object{{"url", u}}));
  auto a = run_lines(*reference.stage, lines);
  auto b = run_lines(*one_pass.stage, lines);
  for (std::size_t i = 0; i < urls.size(); ++i) {
    INFO(urls[i]);
    CHECK(string_at(object_of(*a, i), "url_host") == string_at(object_of(*b, i), "url_host"));
    CHECK(string_at(object_of(*a, i), "url_path") == string_at(object_of(*b, i), "url_path"));
  }
}

TEST_CASE("the memo kept across batches gives each batch its own right results, also after it fills up and restarts") {
  // 3000 distinct strings a batch, each twice (so the memo keeps memoizing), over 4 batches:
  // the memo (4096 entries at most) restarts during the second batch and again later.
  auto t = st::make_stage<RegexEnrichStage>(kVersionRule);
  for (int b = 0; b < 4; ++b) {
    std::vector<std::string> lines;
    for (int repeat = 0; repeat < 2; ++repeat)
      for (int i = 0; i < 3000; ++i)
        lines.push_back(R"({"ua":"agent v)" + std::to_string(b * 3000 + i) + "\"}");
    auto batch = run_lines(*t.stage, lines, static_cast<uint64_t>(b));
    for (std::size_t i = 0; i < lines.size(); ++i) {
      INFO("batch " << b << " record " << i);
      REQUIRE(string_at(object_of(*batch, i), "kind") == "v");
      REQUIRE(object_of(*batch, i).at("n") == static_cast<int64_t>(b * 3000 + static_cast<int>(i % 3000)));
    }
  }
  // A string seen in an earlier batch is served from the memo: same result, in its own arena.
  auto again = run_lines(*t.stage, {R"({"ua":"agent v11999"})", R"({"ua":"agent v7"})"}, 4);
  CHECK(object_of(*again, 0).at("n") == 11999);
  CHECK(object_of(*again, 1).at("n") == 7);
  CHECK(object_of(*again, 0).storage().get() == again->storage().get());
}

TEST_CASE("records whose keys move from one to the next are enriched as if each were alone") {
  // Field lookups start where the previous record had the key; these records move, drop and
  // nest the fields the reference stage reads, so that a stale position is tried for each.
  const std::string agent = kGeneratorAgents[0].user_agent;
  const std::vector<std::string> shapes = {
      R"({"id":"a","user_agent":")" + agent + R"(","url":"https://a.example.com/x","user":{"id":"u","country":"SE"}})",
      R"({"url":"https://b.example.com/","user":{"country":"DE","id":"u"},"user_agent":"curl/8","id":"b"})",
      R"({"x":1,"y":2,"z":3,"user":{"plan":"pro","id":"u","country":"FR"},"id":"c","user_agent":")" + agent + R"("})",
      R"({"id":"d","url":"ftp://not.matched/"})",
      R"({"user":"not an object","user_agent":7,"url":null})",
      R"({"browser":"old","user_agent":")" + agent + R"(","user":{"country":"US"},"url":"http://c.example.com/p?q"})",
      R"({})",
  };
  std::vector<std::string> expected;  // each shape enriched alone, by a stage of its own
  std::vector<sdk::Fate> expected_fate;
  for (const std::string& shape : shapes) {
    auto alone = reference_stage();
    auto single = run_lines(*alone.stage, {shape});
    expected.push_back(json::serialize(single->records()[0].value));
    expected_fate.push_back(single->records()[0].fate);
  }
  std::vector<std::size_t> which;
  std::vector<std::string> lines;
  std::mt19937 rng(5);
  for (int i = 0; i < 300; ++i) {
    which.push_back(rng() % shapes.size());
    lines.push_back(shapes[which.back()]);
  }

  auto t = reference_stage();
  auto batch = run_lines(*t.stage, lines);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CAPTURE(i, lines[i]);
    CHECK(json::serialize(batch->records()[i].value) == expected[which[i]]);
    CHECK(batch->records()[i].fate == expected_fate[which[i]]);
  }
}
