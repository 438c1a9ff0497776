// pipelines/reference.yaml end to end: the hand-checked golden case row by row, and on 100,000
// generated events the balance and results independent of threads and batch size.
#include "sluice_process.hpp"
#include "sqlite_query.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

using namespace sluice::testing;

namespace {

const std::filesystem::path kSource = SLUICE_SOURCE_DIR;
const std::filesystem::path kGolden = kSource / "tests" / "integration" / "reference_golden";

using Row = std::vector<std::string>;

// Every row of the metrics table, ordered by key, each column as SQLite's text of it.
std::vector<Row> metrics_rows(const std::filesystem::path& db) {
  return sluice::test_support::sqlite_query(db.string(),
                                            "SELECT window_start, event_type, region, browser, count, amount_sum, "
                                            "latency_min, latency_max, latency_avg, latency_p50, latency_p95, "
                                            "latency_p99 FROM metrics ORDER BY window_start, event_type, region, browser");
}

std::vector<Row> csv_rows(const std::filesystem::path& file) {
  std::vector<Row> rows;
  auto lines = lines_of(read_file(file));
  for (std::size_t i = 1; i < lines.size(); ++i) {  // skip the header
    Row row;
    std::stringstream ss(lines[i]);
    std::string cell;
    while (std::getline(ss, cell, ',')) row.push_back(cell);
    if (lines[i].back() == ',') row.emplace_back();
    rows.push_back(std::move(row));
  }
  return rows;
}

ProcessResult run_reference(const std::filesystem::path& dir, const std::filesystem::path& input,
                            std::vector<std::string> extra = {}) {
  std::filesystem::remove(dir / "out.db");
  ProcessOptions o;
  o.cwd = dir;
  o.env = {{"INPUT", input.string()}, {"METRICS_DB", "out.db"}, {"DEAD_LETTER", "dead.ndjson"}};
  std::vector<std::string> args = {"run", (kSource / "pipelines" / "reference.yaml").string(), "--quiet",
                                   "--stats-json", "stats.json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_sluice(args, o);
}

boost::json::object stats_of(const std::filesystem::path& dir) {
  return boost::json::parse(read_file(dir / "stats.json")).as_object();
}

}  // namespace

TEST_CASE("the hand-checked golden case matches row by row, dead letter by dead letter", "[reference]") {
  auto dir = scratch_dir("reference_golden");
  auto r = run_reference(dir, kGolden / "input.ndjson");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  auto got = metrics_rows(dir / "out.db");
  auto expected = csv_rows(kGolden / "expected_metrics.csv");
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("row " << i);
    for (int c = 0; c < 5; ++c) CHECK(got[i][c] == expected[i][c]);  // key and count exactly
    for (int c = 5; c < 12; ++c) {
      double g = std::stod(got[i][c]), e = std::stod(expected[i][c]);
      // Sums and averages exactly (up to rounding); quantiles within the 1% the spec allows.
      CHECK(std::abs(g - e) <= (c >= 9 ? 0.01 : 1e-9) * std::max(1.0, std::abs(e)));
    }
  }

  auto input_lines = lines_of(read_file(kGolden / "input.ndjson"));
  auto dead = lines_of(read_file(dir / "dead.ndjson"));
  auto expected_dead = csv_rows(kGolden / "expected_dead.csv");
  REQUIRE(dead.size() == expected_dead.size());
  boost::json::parse_options lenient;
  lenient.allow_invalid_utf8 = true;  // raw keeps invalid input bytes as they were
  for (std::size_t i = 0; i < dead.size(); ++i) {
    auto d = boost::json::parse(dead[i], {}, lenient).as_object();
    INFO(dead[i]);
    uint64_t line = d.at("line").to_number<uint64_t>();
    CHECK(std::to_string(line) == expected_dead[i][0]);
    CHECK(d.at("reason").as_string() == expected_dead[i][1]);
    if (!expected_dead[i][2].empty()) CHECK(d.at("detail").as_string() == expected_dead[i][2]);
    CHECK(d.at("raw").as_string() == input_lines.at(line - 1));
    CHECK_FALSE(d.at("stage").as_string().empty());
  }

  auto stats = stats_of(dir);
  CHECK(stats.at("records_in").to_number<int>() == 25);
  CHECK(stats.at("filtered").to_number<int>() == 1);
  CHECK(stats.at("absorbed").to_number<int>() == 15);
  CHECK(stats.at("dead_by_reason").at("parse_error").to_number<int>() == 4);
  CHECK(stats.at("dead_by_reason").at("validation_error").to_number<int>() == 4);
  CHECK(stats.at("dead_by_reason").at("late").to_number<int>() == 1);
  CHECK(stats.at("balance_ok").as_bool());
}

TEST_CASE("on 100,000 generated events the balance holds and results do not depend on threads or batch size",
          "[reference][order]") {
  auto dir = scratch_dir("reference_100k");
  auto input = dir / "events.ndjson";
  // The reference generator when the shared reference folder is beside the project, else ours.
  auto generator = kSource.parent_path() / "shared" / "reference" / "gen_events.py";
  if (std::filesystem::exists(generator)) {
    std::string cmd = "python3 " + generator.string() + " --records 100000 --seed 11 > " + input.string();
    REQUIRE(std::system(cmd.c_str()) == 0);
  } else {
    ProcessOptions o;
    o.env = {{"COUNT", "100000"}, {"SEED", "11"}, {"OUTPUT", input.string()}};
    REQUIRE(run_sluice({"run", (kSource / "pipelines" / "generate.yaml").string(), "--quiet"}, o).exit_code == 0);
  }

  std::vector<Row> reference_rows;
  std::string reference_dead;
  struct Setting {
    const char* threads;
    const char* batch;
  };
  for (Setting s : {Setting{"1", "4096"}, Setting{"2", "4096"}, Setting{"2", "7"}, Setting{"3", "1"}}) {
    INFO("threads " << s.threads << ", batch_size " << s.batch);
    auto r = run_reference(dir, input, {"--threads", s.threads, "--batch-size", s.batch});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto stats = stats_of(dir);
    REQUIRE(stats.at("balance_ok").as_bool());
    CHECK(stats.at("records_in").to_number<int>() == 100000);
    auto rows = metrics_rows(dir / "out.db");
    std::string dead = read_file(dir / "dead.ndjson");
    if (reference_rows.empty()) {
      reference_rows = rows;
      reference_dead = dead;
      CHECK(rows.size() > 100);
      for (const char* reason : {"parse_error", "validation_error", "late"})
        CHECK(stats.at("dead_by_reason").at(reason).to_number<int>() > 0);
      CHECK(stats.at("filtered").to_number<int>() > 0);
    } else {
      CHECK(rows == reference_rows);
      CHECK(dead == reference_dead);
    }
  }

  // Field pruning (enrich skips the fields nothing after it reads) changes no result.
  auto r = run_reference(dir, input, {"--threads", "2", "--no-prune"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(metrics_rows(dir / "out.db") == reference_rows);
  CHECK(read_file(dir / "dead.ndjson") == reference_dead);
}

TEST_CASE("check says which fields enrich skips because nothing after it reads them", "[reference][pruning]") {
  ProcessOptions o;
  o.env = {{"INPUT", "in.ndjson"}, {"METRICS_DB", "out.db"}, {"DEAD_LETTER", "dead.ndjson"}};
  auto r = run_sluice({"check", (kSource / "pipelines" / "reference.yaml").string()}, o);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // browser and region reach the metrics; the filter reads browser too.
  CHECK_THAT(r.out, Catch::Contains("  enrich: skips browser_major, os, url_host, url_path (no stage after it reads "
                                    "them; prune_fields: false computes them)\n"));
  CHECK_THAT(r.out, !Catch::Contains("  normalize: skips") && !Catch::Contains("  parse: skips"));
}
