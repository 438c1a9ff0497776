#include "sqlite_sink.hpp"
#include "sqlite_query.hpp"
#include "table_spec.hpp"
#include "temp_dir.hpp"

#include <sluice/sdk/testing.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using sluice::plugins::sqlite_sink::SqliteSink;
using sluice::sdk::ConfigError;
using sluice::sdk::SinkRole;
using sluice::sdk::testing::make_final_batch;
using sluice::sdk::testing::make_json_batch;
using sluice::sdk::testing::make_raw_batch;
using sluice::sdk::testing::make_stage;
using sluice::test_support::sqlite_query;
using sluice::test_support::TempDir;
using Rows = sluice::test_support::SqliteRows;

namespace {

const char* kMetricsConfig = R"(table: metrics
key: [window_start, event_type, region, browser]
columns:
  - {name: window_start, type: INTEGER}
  - {name: event_type, type: TEXT}
  - {name: region, type: TEXT}
  - {name: browser, type: TEXT}
  - {name: count, type: INTEGER}
  - {name: amount_sum, type: REAL}
  - {name: latency_min, type: REAL}
  - {name: latency_max, type: REAL}
  - {name: latency_avg, type: REAL}
  - {name: latency_p50, type: REAL}
  - {name: latency_p95, type: REAL}
  - {name: latency_p99, type: REAL}
)";

std::string metric(int64_t window, const char* type, const char* region, int count, double amount) {
  return "{\"window_start\":" + std::to_string(window) + ",\"event_type\":\"" + type + "\",\"region\":\"" + region +
         "\",\"browser\":\"chrome\",\"count\":" + std::to_string(count) + ",\"amount_sum\":" + std::to_string(amount) +
         ",\"latency_min\":1,\"latency_max\":9.5,\"latency_avg\":4.25,\"latency_p50\":4,\"latency_p95\":9,"
         "\"latency_p99\":9.5}";
}

}  // namespace

TEST_CASE("the reference metrics table is created exactly from YAML", "[sqlite_sink]") {
  TempDir dir;
  const std::string path = dir.file("metrics.db");
  const std::string reference = dir.file("reference.db");
  sqlite_query(
      reference,
      "CREATE TABLE metrics (window_start INTEGER NOT NULL, event_type TEXT NOT NULL, region TEXT NOT NULL, "
      "browser TEXT NOT NULL, count INTEGER NOT NULL, amount_sum REAL NOT NULL, latency_min REAL NOT NULL, "
      "latency_max REAL NOT NULL, latency_avg REAL NOT NULL, latency_p50 REAL NOT NULL, latency_p95 REAL NOT NULL, "
      "latency_p99 REAL NOT NULL, PRIMARY KEY (window_start, event_type, region, browser))");
  auto t = make_stage<SqliteSink>("path: '" + path + "'\n" + kMetricsConfig);
  CHECK_FALSE(fs::exists(path));  // init opens nothing
  t.stage->start();
  t.stage->stop();
  const std::string info = "SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('metrics')";
  CHECK(sqlite_query(path, info) == sqlite_query(reference, info));
  CHECK(sqlite_query(path, info).size() == 12);
  CHECK(sqlite_query(path, "PRAGMA journal_mode") == Rows{{"wal"}});
}

TEST_CASE("rows are inserted and an existing key is upserted", "[sqlite_sink]") {
  TempDir dir;
  const std::string path = dir.file("metrics.db");
  auto t = make_stage<SqliteSink>("path: '" + path + "'\n" + kMetricsConfig);
  t.stage->start();
  t.stage->write(*make_json_batch({metric(0, "click", "EMEA", 3, 0), metric(0, "purchase", "NA", 2, 10.5)}));
  t.stage->write(*make_json_batch({metric(0, "click", "EMEA", 7, 1.25)}, 1));
  t.stage->write(*make_final_batch(2));
  CHECK(t.stage->transactions_committed() == 2);  // the empty final batch starts none
  t.stage->stop();
  CHECK(sqlite_query(path,
                     "SELECT window_start, event_type, region, browser, count, amount_sum, latency_min, "
                     "latency_p50 FROM metrics ORDER BY event_type") ==
        Rows{{"0", "click", "EMEA", "chrome", "7", "1.25", "1.0", "4.0"},
             {"0", "purchase", "NA", "chrome", "2", "10.5", "1.0", "4.0"}});
}

TEST_CASE("values are coerced to the column types", "[sqlite_sink]") {
  TempDir dir;
  const std::string path = dir.file("types.db");
  auto t = make_stage<SqliteSink>("path: '" + path + R"('
table: typed
columns:
  - {name: i, type: INTEGER, not_null: false}
  - {name: r, type: real, not_null: false}
  - {name: t, type: TEXT, not_null: false}
  - {name: b, type: BLOB, not_null: false}
  - {name: country, type: TEXT, not_null: false, field: user.country}
  - {name: odd, type: TEXT, not_null: false, field: "/a~1b/c~0d"}
)");
  t.stage->start();
  t.stage->write(*make_json_batch({
      R"({"i":5.0,"r":3,"t":"x","b":"bytes","user":{"country":"DE"},"a/b":{"c~d":"ptr"}})",
      R"({"i":5.5,"r":true,"t":{"k":[1,2]},"b":"","user":"not an object"})",
      R"({"i":true,"r":18446744073709551615,"t":12,"b":null})",
      R"({"i":18446744073709551615,"r":-2.5,"t":false})",
  }));
  t.stage->stop();
  CHECK(sqlite_query(path, "SELECT typeof(i), i, typeof(r), r, typeof(t), t, typeof(b), b, country, odd FROM typed") ==
        Rows{{"integer", "5", "real", "3.0", "text", "x", "blob", "bytes", "DE", "ptr"},
             {"real", "5.5", "real", "1.0", "text", "{\"k\":[1,2]}", "blob", "", "NULL", "NULL"},
             {"integer", "1", "real", "1.84467440737096e+19", "text", "12", "null", "NULL", "NULL", "NULL"},
             {"real", "1.84467440737096e+19", "real", "-2.5", "text", "0", "null", "NULL", "NULL", "NULL"}});
}

TEST_CASE("a missing NOT NULL value fails the whole batch with SQLite's message", "[sqlite_sink]") {
  TempDir dir;
  const std::string path = dir.file("metrics.db");
  auto t = make_stage<SqliteSink>("path: '" + path + "'\n" + kMetricsConfig);
  t.stage->start();
  t.stage->write(*make_json_batch({metric(0, "click", "EMEA", 1, 0)}));
  boost::json::value missing = boost::json::parse(metric(60000, "search", "APAC", 1, 0));
  missing.as_object().erase("region");
  auto bad = make_json_batch({metric(60000, "click", "NA", 1, 0), metric(0, "click", "EMEA", 99, 0),
                              boost::json::serialize(missing)},
                             1, 40);
  try {
    t.stage->write(*bad);
    FAIL("write() did not throw");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find("NOT NULL constraint failed: metrics.region") != std::string::npos);
    CHECK(what.find("line 42") != std::string::npos);
    CHECK(what.find(path) != std::string::npos);
  }
  CHECK(t.stage->transactions_committed() == 1);
  // Nothing of the failed batch is visible: its transaction was rolled back whole.
  CHECK(sqlite_query(path, "SELECT window_start, count FROM metrics") == Rows{{"0", "1"}});
  // The sink goes on with the next batch.
  t.stage->write(*make_json_batch({metric(120000, "click", "NA", 5, 0)}, 2));
  t.stage->stop();
  CHECK(sqlite_query(path, "SELECT window_start, count FROM metrics ORDER BY 1") == Rows{{"0", "1"}, {"120000", "5"}});
}

TEST_CASE("each batch is one transaction that commits before write() returns", "[sqlite_sink]") {
  TempDir dir;
  const std::string path = dir.file("tx.db");
  auto t = make_stage<SqliteSink>("path: '" + path + "'\ntable: t\ncolumns: [{name: n, type: INTEGER}]\n");
  t.stage->start();
  std::vector<std::string> lines;
  for (int i = 0; i < 500; ++i) lines.push_back("{\"n\":" + std::to_string(i) + "}");
  auto batch = make_json_batch(lines);
  batch->set_stage("x");
  batch->filter(batch->records()[0]);
  batch->dead_letter(batch->records()[1], "validation_error", "/n");
  batch->absorb(batch->records()[2]);
  t.stage->write(*batch);
  CHECK(t.stage->transactions_committed() == 1);
  CHECK(sqlite_query(path, "SELECT count(*), min(n) FROM t") == Rows{{"497", "3"}});  // seen by another connection
  t.stage->stop();
}

TEST_CASE("insert refuses a duplicate key and replace overwrites it", "[sqlite_sink]") {
  TempDir dir;
  const std::string path = dir.file("modes.db");
  const std::string columns = "columns: [{name: k, type: TEXT}, {name: v, type: INTEGER}]\nkey: [k]\n";
  {
    auto t = make_stage<SqliteSink>("path: '" + path + "'\ntable: ins\nmode: insert\n" + columns);
    t.stage->start();
    t.stage->write(*make_json_batch({R"({"k":"a","v":1})"}));
    CHECK_THROWS_WITH(t.stage->write(*make_json_batch({R"({"k":"a","v":2})"})),
                      Catch::Contains("UNIQUE constraint failed: ins.k"));
    t.stage->stop();
  }
  {
    auto t = make_stage<SqliteSink>("path: '" + path + "'\ntable: rep\nmode: replace\n" + columns);
    t.stage->start();
    t.stage->write(*make_json_batch({R"({"k":"a","v":1})", R"({"k":"a","v":2})"}));
    t.stage->stop();
  }
  CHECK(sqlite_query(path, "SELECT k, v FROM ins") == Rows{{"a", "1"}});
  CHECK(sqlite_query(path, "SELECT k, v FROM rep") == Rows{{"a", "2"}});
}

TEST_CASE("an existing table is reopened and written on", "[sqlite_sink]") {
  TempDir dir;
  const std::string path = dir.file("metrics.db");
  for (int run = 1; run <= 2; ++run) {
    auto t = make_stage<SqliteSink>("path: '" + path + "'\n" + kMetricsConfig);
    t.stage->start();
    t.stage->write(*make_json_batch({metric(0, "click", "EMEA", run * 10, 0), metric(run, "click", "NA", 1, 0)}));
    t.stage->stop();
  }
  CHECK(sqlite_query(path, "SELECT window_start, region, count FROM metrics ORDER BY 1") ==
        Rows{{"0", "EMEA", "20"}, {"1", "NA", "1"}, {"2", "NA", "1"}});
}

TEST_CASE("an existing table without the columns fails start() clearly", "[sqlite_sink]") {
  TempDir dir;
  const std::string path = dir.file("other.db");
  sqlite_query(path, "CREATE TABLE metrics (x INTEGER)");
  auto t = make_stage<SqliteSink>("path: '" + path + "'\n" + kMetricsConfig);
  CHECK_THROWS_WITH(t.stage->start(), Catch::Contains("no column named window_start"));
}

TEST_CASE("identifiers are quoted", "[sqlite_sink]") {
  TempDir dir;
  const std::string path = dir.file("quoted.db");
  auto t = make_stage<SqliteSink>("path: '" + path + R"('
table: 'my "odd" table'
key: [order]
columns: [{name: order, type: INTEGER}, {name: 'select', type: TEXT, field: s}]
)");
  t.stage->start();
  t.stage->write(*make_json_batch({R"({"order":1,"s":"a"})", R"({"order":1,"s":"b"})"}));
  t.stage->stop();
  CHECK(sqlite_query(path, "SELECT \"order\", \"select\" FROM \"my \"\"odd\"\" table\"") == Rows{{"1", "b"}});
}

TEST_CASE("dead letters go into the fixed dead-letter columns", "[sqlite_sink]") {
  TempDir dir;
  const std::string path = dir.file("dead.db");
  auto t = make_stage<SqliteSink>("path: '" + path + "'\ntable: dead_letters\n", "dead", {}, SinkRole::dead_letters);
  t.stage->start();
  auto batch = make_raw_batch({"{\"ok\":1}", "{bad", "late one"}, 0, 7);
  batch->set_stage("parse");
  batch->dead_letter(batch->records()[1], "parse_error", "");
  batch->set_stage("aggregate");
  batch->dead_letter(batch->records()[2], "late", "window 0 closed");
  t.stage->write(*batch);
  t.stage->stop();
  CHECK(sqlite_query(path, "SELECT reason, stage, detail, line, raw FROM dead_letters ORDER BY line") ==
        Rows{{"parse_error", "parse", "", "8", "{bad"}, {"late", "aggregate", "window 0 closed", "9", "late one"}});
  CHECK_THROWS_AS(make_stage<SqliteSink>("path: x\ntable: d\ncolumns: [{name: a, type: TEXT}]\n", "dead", {},
                                         SinkRole::dead_letters),
                  ConfigError);
}

TEST_CASE("config errors point at the option", "[sqlite_sink]") {
  const std::string base = "path: x.db\ntable: t\n";
  const char* bad[] = {
      "table: t\ncolumns: [{name: a, type: TEXT}]\n",                                  // no path
      "path: x.db\ncolumns: [{name: a, type: TEXT}]\n",                                // no table
      "path: x.db\ntable: t\n",                                                        // no columns
      "path: x.db\ntable: t\ncolumns: []\n",                                           // empty columns
      "path: x.db\ntable: t\ncolumns: [{name: a, type: NUMBER}]\n",                    // unknown type
      "path: x.db\ntable: t\ncolumns: [{name: a}]\n",                                  // no type
      "path: x.db\ntable: t\ncolumns: [{name: a, type: TEXT, nullable: true}]\n",      // unknown key
      "path: x.db\ntable: t\ncolumns: [{name: a, type: TEXT}, {name: A, type: TEXT}]\n",  // duplicate
      "path: x.db\ntable: t\ncolumns: [{name: a, type: TEXT}]\nkey: [b]\n",            // key not a column
      "path: x.db\ntable: t\ncolumns: [{name: a, type: TEXT}]\nmode: upsert\n",        // upsert, no key
      "path: x.db\ntable: t\ncolumns: [{name: a, type: TEXT}]\nmode: merge\n",         // unknown mode
      "path: x.db\ntable: t\ncolumns: [{name: a, type: TEXT}]\nsynchronous: fast\n",   // bad pragma
      "path: x.db\ntable: t\ncolumns: [{name: a, type: TEXT}]\njournal_mode: 'wal; DROP TABLE t'\n",
      "path: x.db\ntable: t\ncolumns: [{name: a, type: TEXT, field: 'a..b'}]\n",       // bad path
  };
  for (const char* config : bad) {
    INFO(config);
    CHECK_THROWS_AS(make_stage<SqliteSink>(config), ConfigError);
  }
  try {
    make_stage<SqliteSink>(base + "columns:\n  - {name: a, type: TEXT}\n  - {name: b, type: FLOAT}\n");
    FAIL("no ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.mark().line == 5);
    CHECK(std::string(e.what()).find("FLOAT") != std::string::npos);
  }
}

TEST_CASE("the generated SQL names every column once", "[sqlite_sink]") {
  using namespace sluice::plugins::sqlite_sink;
  TableSpec spec;
  spec.table = "m";
  spec.columns = {{"k", ColumnType::integer, true, {"k"}}, {"v", ColumnType::real, false, {"v"}}};
  spec.key = {"k"};
  spec.mode = WriteMode::upsert;
  CHECK(create_table_sql(spec) == R"(CREATE TABLE IF NOT EXISTS "m" ("k" INTEGER NOT NULL, "v" REAL, PRIMARY KEY ("k")))");
  CHECK(insert_sql(spec) ==
        R"(INSERT INTO "m" ("k", "v") VALUES (?1, ?2) ON CONFLICT ("k") DO UPDATE SET "v" = excluded."v")");
  spec.columns.pop_back();
  CHECK(insert_sql(spec) == R"(INSERT INTO "m" ("k") VALUES (?1) ON CONFLICT ("k") DO NOTHING)");
}
