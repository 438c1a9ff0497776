#include "generate.hpp"
#include "rfc3339.hpp"

#include <sluice/sdk/testing.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace json = boost::json;
using sluice::plugins::generate::Generate;
using sluice::plugins::generate::parse_rfc3339_ms;
using sluice::sdk::Batch;
using sluice::sdk::testing::make_stage;

namespace {

struct Line {
  std::string raw;
  uint64_t line;
  bool operator==(const Line& o) const { return raw == o.raw && line == o.line; }
};

struct Output {
  std::string text;  // every batch's input, in order
  std::vector<Line> records;
  std::vector<std::size_t> batch_sizes;
  uint64_t last_offset = 0;
};

Output generate(const std::string& config, uint32_t max_batches = 1000000) {
  auto t = make_stage<Generate>(config);
  t.stage->start();
  Output out;
  bool more = true;
  for (uint64_t seq = 0; more && seq < max_batches; ++seq) {
    Batch batch(seq);
    more = t.stage->next(batch);
    out.text += batch.input();
    for (const auto& r : batch.records()) {
      REQUIRE(r.value.is_null());
      REQUIRE(r.alive());
      out.records.push_back(Line{std::string(r.raw), r.line});
    }
    out.batch_sizes.push_back(batch.size());
    out.last_offset = batch.input_offset_end;
  }
  t.stage->stop();
  return out;
}

bool is_blank(const std::string& s) { return s.find_first_not_of(" \t\r") == std::string::npos; }

// A strict RFC 8259 parse, as the reference parse stage does it: nullopt when not an object.
std::optional<json::object> parse_object(const std::string& raw) {
  std::error_code ec;
  json::value v = json::parse(raw, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string ascii_lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The reference normalize + validate rules, written out plainly: true when the event would
// pass validation.
bool passes_reference_rules(json::object event) {
  if (const json::value* src = event.if_contains("src")) {
    json::value source = *src;  // copied first: inserting may move the object's storage
    event.erase("src");
    event["source"] = std::move(source);
  } else if (!event.contains("source")) {
    event["source"] = "unknown";
  }
  if (json::value* et = event.if_contains("event_type"); et && et->is_string())
    *et = ascii_lower(std::string(et->as_string()));
  if (json::value* ts = event.if_contains("ts"); ts && ts->is_string()) {
    if (auto ms = parse_rfc3339_ms(ts->as_string())) {
      event["timestamp_ms"] = *ms;
      event.erase("ts");
    }
  }
  static const std::regex id_pattern("^evt-[0-9]{12}$");
  static const std::regex country_pattern("^[A-Z]{2}$");
  static const std::set<std::string> sources{"web", "ios", "android", "api", "unknown"};
  static const std::set<std::string> types{"page_view", "click", "search", "add_to_cart", "purchase", "signup"};
  static const std::set<std::string> plans{"free", "pro", "enterprise"};
  auto str = [&](const json::object& o, const char* k) -> const json::string* {
    const json::value* v = o.if_contains(k);
    return v && v->is_string() ? &v->as_string() : nullptr;
  };
  auto number = [&](const json::object& o, const char* k) -> std::optional<double> {
    const json::value* v = o.if_contains(k);
    if (!v || !v->is_number()) return std::nullopt;
    return v->to_number<double>();
  };
  const json::string* id = str(event, "id");
  if (!id || !std::regex_match(id->c_str(), id_pattern)) return false;
  const json::string* source = str(event, "source");
  if (!source || !sources.count(std::string(*source))) return false;
  const json::string* type = str(event, "event_type");
  if (!type || !types.count(std::string(*type))) return false;
  const json::value* ts = event.if_contains("timestamp_ms");
  if (!ts || !ts->is_int64() || ts->as_int64() < 0) return false;
  const json::value* user = event.if_contains("user");
  if (!user || !user->is_object()) return false;
  const json::string* user_id = str(user->as_object(), "id");
  if (!user_id || user_id->empty() || user_id->size() > 64) return false;
  if (const json::value* c = user->as_object().if_contains("country"); !c || !c->is_string()) return false;
  std::string country(user->as_object().at("country").as_string());
  country.erase(0, country.find_first_not_of(" \t\n\v\f\r"));
  country.erase(country.find_last_not_of(" \t\n\v\f\r") + 1);
  for (char& ch : country) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (!std::regex_match(country, country_pattern)) return false;
  if (user->as_object().contains("plan")) {
    const json::string* plan = str(user->as_object(), "plan");
    if (!plan || !plans.count(std::string(*plan))) return false;
  }
  if (event.contains("session_id") && !str(event, "session_id")) return false;
  if (event.contains("url") && (!str(event, "url") || str(event, "url")->size() > 2048)) return false;
  if (event.contains("user_agent") && (!str(event, "user_agent") || str(event, "user_agent")->size() > 1024))
    return false;
  const auto latency = number(event, "latency_ms");
  if (!latency || *latency < 0) return false;
  if (event.contains("amount")) {
    const auto amount = number(event, "amount");
    if (!amount || *amount < 0) return false;
  }
  if (const json::value* tags = event.if_contains("tags")) {
    if (!tags->is_array() || tags->as_array().size() > 8) return false;
    for (const json::value& t : tags->as_array())
      if (!t.is_string()) return false;
  }
  if (const json::value* payload = event.if_contains("payload"); payload && !payload->is_object()) return false;
  return true;
}

}  // namespace

TEST_CASE("the same options give the same lines whatever the batch size", "[generate]") {
  const Output reference = generate("count: 3000\nseed: 9\nblank_rate: 0.05\nbatch_size: 4096\n");
  REQUIRE(reference.records.size() == 3000);
  for (const char* batch : {"1", "7", "1000", "100000"}) {
    INFO("batch_size " << batch);
    const Output other = generate(std::string("count: 3000\nseed: 9\nblank_rate: 0.05\nbatch_size: ") + batch + "\n");
    CHECK(other.text == reference.text);
    CHECK(other.records == reference.records);
    CHECK(other.last_offset == reference.text.size());
    for (std::size_t n : other.batch_sizes) CHECK(n <= std::stoul(batch));
  }
  CHECK(generate("count: 3000\nseed: 10\nblank_rate: 0.05\n").text != reference.text);
}

TEST_CASE("records are the non-blank lines of the input, numbered by line", "[generate]") {
  const Output out = generate("count: 2000\nblank_rate: 0.3\n");
  std::vector<Line> from_text;
  uint64_t line = 0;
  std::size_t start = 0, blanks = 0;
  while (start < out.text.size()) {
    const std::size_t nl = out.text.find('\n', start);
    REQUIRE(nl != std::string::npos);  // every line ends with '\n'
    const std::string raw = out.text.substr(start, nl - start);
    ++line;
    if (is_blank(raw))
      ++blanks;
    else
      from_text.push_back(Line{raw, line});
    start = nl + 1;
  }
  CHECK(from_text == out.records);
  CHECK(blanks > 400);
  CHECK(blanks < 800);
}

TEST_CASE("count bounds the records; count 0 never ends", "[generate]") {
  const Output out = generate("count: 10001\nbatch_size: 1000\n");
  CHECK(out.records.size() == 10001);
  CHECK(out.batch_sizes.size() == 11);
  CHECK(out.batch_sizes.back() == 1);
  const Output endless = generate("count: 0\nbatch_size: 100\n", 50);
  CHECK(endless.records.size() == 5000);
  CHECK(endless.batch_sizes.size() == 50);
}

TEST_CASE("with no defects asked for, every line passes the reference rules", "[generate]") {
  const Output out = generate("count: 20000\nmalformed_rate: 0\ninvalid_rate: 0\nseed: 3\n");
  std::size_t failures = 0;
  for (const Line& l : out.records) {
    auto event = parse_object(l.raw);
    if (!event || !passes_reference_rules(*event)) {
      if (++failures < 5) UNSCOPED_INFO("failing line " << l.line << ": " << l.raw);
    }
  }
  CHECK(failures == 0);
}

TEST_CASE("schema-invalid events parse but break the reference rules", "[generate]") {
  const Output out = generate("count: 5000\nmalformed_rate: 0\ninvalid_rate: 1\nseed: 4\n");
  for (const Line& l : out.records) {
    auto event = parse_object(l.raw);
    INFO(l.raw);
    REQUIRE(event);
    CHECK_FALSE(passes_reference_rules(*event));
  }
}

TEST_CASE("malformed lines are never JSON objects", "[generate]") {
  const Output out = generate("count: 5000\nmalformed_rate: 1\ninvalid_rate: 0\nseed: 5\n");
  std::set<std::string> starts;
  for (const Line& l : out.records) {
    INFO(l.raw);
    CHECK_FALSE(parse_object(l.raw).has_value());
    CHECK_FALSE(is_blank(l.raw));
    CHECK(l.raw.find('\n') == std::string::npos);
    starts.insert(l.raw.substr(0, 3));
  }
  CHECK(starts.count("\xEF\xBB\xBF"));  // byte-order marks among them
  CHECK(starts.count("{{\""));
}

TEST_CASE("the default mix has the configured shares", "[generate]") {
  const Output out = generate("count: 50000\nseed: 11\n");
  REQUIRE(out.records.size() == 50000);
  std::size_t malformed = 0, invalid = 0, late = 0;
  const int64_t start = *parse_rfc3339_ms("2026-11-26T00:00:00Z");
  for (std::size_t i = 0; i < out.records.size(); ++i) {
    auto event = parse_object(out.records[i].raw);
    if (!event) {
      ++malformed;
      continue;
    }
    if (!passes_reference_rules(*event)) {
      ++invalid;
      continue;
    }
    const auto ts = parse_rfc3339_ms(event->at("ts").as_string());
    if (*ts < start + static_cast<int64_t>(i) - 60000) ++late;  // 1000 events/s: record i is near i s
  }
  const uint64_t lines = std::count(out.text.begin(), out.text.end(), '\n');
  CHECK(malformed > 400);
  CHECK(malformed < 600);
  CHECK(invalid > 850);
  CHECK(invalid < 1150);
  CHECK(late > 100);
  CHECK(late < 200);
  CHECK(lines - out.records.size() > 20);   // ~50 blank lines
  CHECK(lines - out.records.size() < 90);
}

TEST_CASE("events look like the reference workload", "[generate]") {
  const Output out = generate("count: 10000\nmalformed_rate: 0\ninvalid_rate: 0\nseed: 12\n");
  std::map<std::string, int> sources, types, ts_forms;
  std::set<std::string> countries, agents;
  std::vector<double> latencies;
  int with_amount = 0, amount_on_other = 0, no_source = 0;
  static const std::regex millis(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)");
  static const std::regex seconds(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$)");
  static const std::regex micros(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$)");
  static const std::regex offset(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$)");
  static const std::regex id_pattern("^evt-[0-9]{12}$");
  int bad_ids = 0;
  for (const Line& l : out.records) {
    json::object e = *parse_object(l.raw);
    if (e.contains("src"))
      ++sources[std::string(e.at("src").as_string())];
    else
      ++no_source;
    const std::string type(e.at("event_type").as_string());
    ++types[type];
    const std::string lower = ascii_lower(type);
    if (e.contains("amount")) {
      ++with_amount;
      if (lower != "purchase" && lower != "add_to_cart") ++amount_on_other;
    }
    const std::string ts(e.at("ts").as_string());
    if (std::regex_match(ts, millis)) ++ts_forms["millis"];
    else if (std::regex_match(ts, seconds)) ++ts_forms["seconds"];
    else if (std::regex_match(ts, micros)) ++ts_forms["micros"];
    else if (std::regex_match(ts, offset)) ++ts_forms["offset"];
    else ++ts_forms["other"];
    countries.insert(std::string(e.at("user").at("country").as_string()));
    if (e.contains("user_agent")) agents.insert(std::string(e.at("user_agent").as_string()));
    latencies.push_back(e.at("latency_ms").to_number<double>());
    if (!std::regex_match(std::string(e.at("id").as_string()), id_pattern)) ++bad_ids;
  }
  CHECK(bad_ids == 0);
  CHECK(sources.size() == 4);
  CHECK(no_source > 50);
  CHECK(types["page_view"] > types["click"]);
  CHECK(types["click"] > types["purchase"]);
  CHECK(types.count("PAGE_VIEW"));
  CHECK(types.count("Page_View"));
  CHECK(with_amount > 800);
  CHECK(amount_on_other == 0);
  CHECK(ts_forms["millis"] > 7500);
  CHECK(ts_forms["seconds"] > 250);
  CHECK(ts_forms["micros"] > 250);
  CHECK(ts_forms["offset"] > 250);
  CHECK(ts_forms["other"] > 50);  // nanoseconds
  CHECK(countries.count("US"));
  CHECK(countries.count("us"));
  CHECK(countries.count(" us "));
  CHECK(countries.count("ZZ"));  // not in the region table
  CHECK(countries.count("\tus"));
  CHECK(agents.count("curl/8.5.0"));
  CHECK(agents.size() > 15);
  std::sort(latencies.begin(), latencies.end());
  const double median = latencies[latencies.size() / 2];
  CHECK(median > 15);
  CHECK(median < 50);
  CHECK(latencies.back() > 5 * latencies[latencies.size() * 95 / 100] / 2);  // a long tail
  CHECK(latencies.front() >= 0);
}

TEST_CASE("events_per_second and start_time set the event times", "[generate]") {
  const Output out = generate(
      "count: 200\nevents_per_second: 1\nstart_time: '2030-01-01T00:00:00+01:00'\n"
      "malformed_rate: 0\ninvalid_rate: 0\nlate_rate: 0\n");
  const int64_t start = *parse_rfc3339_ms("2030-01-01T00:00:00+01:00");
  for (std::size_t i = 0; i < out.records.size(); ++i) {
    const int64_t ts = *parse_rfc3339_ms(parse_object(out.records[i].raw)->at("ts").as_string());
    CHECK(ts >= start + static_cast<int64_t>(i) * 1000 - 2000 - 999);
    CHECK(ts <= start + static_cast<int64_t>(i) * 1000 + 2000);
  }
}

TEST_CASE("lines stay far below the writer's step bound", "[generate]") {
  const Output out = generate("count: 30000\nmalformed_rate: 0.5\ninvalid_rate: 0.5\nblank_rate: 0.1\nseed: 77\n");
  std::size_t longest = 0;
  for (const Line& l : out.records) longest = std::max(longest, l.raw.size());
  CHECK(longest < sluice::plugins::generate::EventWriter::kMaxStepBytes / 2);
}

TEST_CASE("rate paces the output in wall-clock time", "[generate]") {
  const auto t0 = std::chrono::steady_clock::now();
  const Output out = generate("count: 2000\nrate: 100000\nbatch_size: 500\n");
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(out.records.size() == 2000);
  CHECK(elapsed >= 0.015);  // 2000 records at 100000/s take 20 ms
  CHECK(elapsed < 1.0);
  CHECK(out.text == generate("count: 2000\nbatch_size: 500\n").text);
}

TEST_CASE("with a rate, a batch leaves after max_batch_delay_ms with the records due", "[generate]") {
  // 1000 records/s and batches of 500: a batch that waited to be full would take half a second;
  // with a 5 ms delay each holds about 5 records (it would be about 50 with 50 ms).
  auto t = make_stage<Generate>("count: 100\nrate: 1000\nbatch_size: 500\nmax_batch_delay_ms: 5\n");
  t.stage->start();
  for (uint64_t seq = 0; seq < 3; ++seq) {
    Batch batch(seq);
    const auto t0 = std::chrono::steady_clock::now();
    t.stage->next(batch);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    INFO("batch " << seq << " after " << ms << " ms with " << batch.size() << " records");
    CHECK(ms < 200);
    CHECK(batch.size() >= 1);
    CHECK(batch.size() <= 40);
  }
  t.stage->stop();
}

TEST_CASE("config errors point at the option", "[generate]") {
  using sluice::sdk::ConfigError;
  CHECK_THROWS_AS(make_stage<Generate>("start_time: 'not a time'\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<Generate>("start_time: '1969-12-31T23:59:59Z'\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<Generate>("rate: -1\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<Generate>("max_batch_delay_ms: 0\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<Generate>("max_batch_delay_ms: 60001\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<Generate>("count: -1\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<Generate>("events_per_second: 0\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<Generate>("malformed_rate: 1.5\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<Generate>("malformed_rate: 0.6\ninvalid_rate: 0.6\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<Generate>("batch_size: 0\n"), ConfigError);
  try {
    make_stage<Generate>("count: 5\nlate_rate: lots\n");
    FAIL("no ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.mark().line == 2);
  }
  CHECK_NOTHROW(make_stage<Generate>(""));
}

TEST_CASE("generation throughput", "[.][perf][generate]") {
  auto t = make_stage<Generate>("count: 2000000\n");
  t.stage->start();
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  uint64_t records = 0, bytes = 0;
  bool more = true;
  for (uint64_t seq = 0; more; ++seq) {
    Batch batch(seq);
    more = t.stage->next(batch);
    records += batch.size();
    bytes += batch.input().size();
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  WARN(records / s / 1e6 << " M lines/s wall, " << records / cpu / 1e6 << " M lines/s of CPU time, "
                         << bytes / s / 1e9 << " GB/s, " << bytes / records << " bytes/line");
}
