// window_aggregate: the windowing, lateness, grouping and metric rules, record by record.
#include "stream_harness.hpp"

#include <thread>

#include <catch2/catch.hpp>

using namespace window_aggregate_test;

TEST_CASE("a hand-computed stream gives the expected rows value by value", "[window_aggregate]") {
  const std::vector<std::string> lines = {
      R"({"timestamp_ms":1000,"event_type":"click","region":"EU","latency_ms":10,"amount":5})",
      R"({"timestamp_ms":2000,"event_type":"click","region":"EU","latency_ms":30})",
      R"({"timestamp_ms":3000,"event_type":"click","region":"EU","latency_ms":20.0,"amount":2.5})",
      R"({"timestamp_ms":59999,"event_type":"click","region":"EU","latency_ms":40})",
      R"({"timestamp_ms":5000,"event_type":"view","region":"US","latency_ms":7})",
      R"({"timestamp_ms":6000,"event_type":"view","region":"US","latency_ms":3,"amount":1})",
      R"({"timestamp_ms":7000,"event_type":"view","region":"US","latency_ms":5})",
      R"({"timestamp_ms":60000,"event_type":"click","region":"EU","latency_ms":100,"amount":10})",
      R"({"timestamp_ms":61000,"event_type":"view","latency_ms":1})",
      R"({"timestamp_ms":30000,"event_type":"view","region":"US","latency_ms":9})",
      R"({"timestamp_ms":70000,"event_type":"click","region":"EU","latency_ms":200})",
      R"({"timestamp_ms":30000,"event_type":"view","region":"US","latency_ms":1000})",
  };
  for (std::size_t batch_size : {1u, 5u, 12u}) {
    INFO("batch size " << batch_size);
    StreamOutput out = run_stream(kSmallConfig, lines, batch_size);
    REQUIRE(out.dead == std::vector<std::string>{"12 late: window 0 closed at max_ts 70000"});
    REQUIRE(out.absorbed == 11);
    REQUIRE(out.rows.size() == 4);
    json::value h;

    const json::object& a = row(out, 0, h);
    CHECK(a.at("window_start") == 0);
    CHECK(a.at("event_type") == "click");
    CHECK(a.at("region") == "EU");
    CHECK(a.at("count") == 4);
    CHECK(a.at("amount_sum").as_double() == 7.5);
    CHECK(a.at("latency_min").as_double() == 10);
    CHECK(a.at("latency_max").as_double() == 40);
    CHECK(a.at("latency_avg").as_double() == 25);
    CHECK(a.at("latency_p50").as_double() == 20);  // rank ceil(0.5 * 4) = 2 of 10 20 30 40
    CHECK(a.at("latency_p95").as_double() == 40);
    CHECK(a.at("latency_p99").as_double() == 40);
    CHECK(a.size() == 11);

    const json::object& b = row(out, 1, h);
    CHECK(b.at("window_start") == 0);
    CHECK(b.at("event_type") == "view");
    CHECK(b.at("region") == "US");
    CHECK(b.at("count") == 4);
    CHECK(b.at("amount_sum").as_double() == 1);
    CHECK(b.at("latency_min").as_double() == 3);
    CHECK(b.at("latency_max").as_double() == 9);
    CHECK(b.at("latency_avg").as_double() == 6);
    CHECK(b.at("latency_p50").as_double() == 5);  // 3 5 7 9
    CHECK(b.at("latency_p95").as_double() == 9);
    CHECK(b.at("latency_p99").as_double() == 9);

    const json::object& c = row(out, 2, h);
    CHECK(c.at("window_start") == 60000);
    CHECK(c.at("event_type") == "click");
    CHECK(c.at("count") == 2);
    CHECK(c.at("amount_sum").as_double() == 10);
    CHECK(c.at("latency_min").as_double() == 100);
    CHECK(c.at("latency_max").as_double() == 200);
    CHECK(c.at("latency_avg").as_double() == 150);
    CHECK(c.at("latency_p50").as_double() == 100);
    CHECK(c.at("latency_p95").as_double() == 200);

    const json::object& d = row(out, 3, h);
    CHECK(d.at("window_start") == 60000);
    CHECK(d.at("event_type") == "view");
    CHECK(d.at("region").is_null());
    CHECK(d.at("count") == 1);
    CHECK(d.at("amount_sum").as_double() == 0);
    CHECK(d.at("latency_p99").as_double() == 1);
  }
}

TEST_CASE("rows carry integer counts and double metrics", "[window_aggregate]") {
  StreamOutput out = run_stream(kSmallConfig, {event(1, "a", 2), event(2, "a", 3)}, 10);
  json::value h;
  const json::object& r = row(out, 0, h);
  CHECK(r.at("window_start").is_int64());
  CHECK(r.at("count").is_int64());
  for (const char* k : {"amount_sum", "latency_min", "latency_max", "latency_avg", "latency_p50"})
    CHECK(r.at(k).is_double());
}

TEST_CASE("a record is late exactly when window_start + window + lateness <= max_ts", "[window_aggregate]") {
  auto t = make_stage<WindowAggregateStage>(kCountConfig);
  auto batch = make_json_batch({event(69999), event(0), event(70000), event(1), event(59999), event(60000)});
  run(*t.stage, *batch);
  const auto& r = batch->records();
  CHECK(r[0].fate == Fate::absorbed);
  CHECK(r[1].fate == Fate::absorbed);  // 0 + 70000 <= 69999 is false
  CHECK(r[2].fate == Fate::absorbed);
  REQUIRE(r[3].fate == Fate::dead);  // 0 + 70000 <= 70000
  CHECK(r[3].dead->reason == "late");
  CHECK(r[3].dead->stage == "stage_under_test");
  CHECK(r[3].dead->detail == "window 0 closed at max_ts 70000");
  CHECK(r[4].fate == Fate::dead);
  CHECK(r[5].fate == Fate::absorbed);  // window 60000 is open until max_ts 130000
}

TEST_CASE("max_ts counts every record before the current one, late ones too", "[window_aggregate]") {
  auto t = make_stage<WindowAggregateStage>(kCountConfig);
  // 200000 sets max_ts; the late record at 5000 leaves it (a late record is always older
  // than max_ts); 130000 is then judged against 200000 and is late as well.
  auto batch = make_json_batch({event(200000), event(5000), event(130000), event(130001), event(190000)});
  run(*t.stage, *batch);
  const auto& r = batch->records();
  CHECK(r[1].fate == Fate::dead);
  CHECK(r[1].dead->detail == "window 0 closed at max_ts 200000");
  REQUIRE(r[2].fate == Fate::dead);  // window 120000: 120000 + 70000 <= 200000
  CHECK(r[2].dead->detail == "window 120000 closed at max_ts 200000");
  CHECK(r[3].fate == Fate::dead);
  CHECK(r[4].fate == Fate::absorbed);

  SECTION("records dead before this stage do not count") {
    auto t2 = make_stage<WindowAggregateStage>(kCountConfig);
    auto b = make_json_batch({event(500000), event(1000)});
    b->set_stage("validate");
    b->dead_letter(b->records()[0], "validation_error", "/x: type");
    run(*t2.stage, *b);
    CHECK(b->records()[1].fate == Fate::absorbed);
  }
  SECTION("records without a timestamp do not count") {
    auto t2 = make_stage<WindowAggregateStage>(kCountConfig);
    auto b = make_json_batch({R"({"timestamp_ms":"500000"})", event(1000)});
    run(*t2.stage, *b);
    CHECK(b->records()[0].fate == Fate::dead);
    CHECK(b->records()[1].fate == Fate::absorbed);
  }
}

TEST_CASE("negative timestamps fall in windows floored towards minus infinity", "[window_aggregate]") {
  StreamOutput out =
      run_stream(kCountConfig, {event(-120000), event(-60001), event(-60000), event(-1), event(0), event(59999)}, 100);
  REQUIRE(out.rows.size() == 3);
  json::value h;
  CHECK(row(out, 0, h).at("window_start") == -120000);
  CHECK(row(out, 0, h).at("count") == 2);  // -60001, -120000
  CHECK(row(out, 1, h).at("window_start") == -60000);
  CHECK(row(out, 1, h).at("count") == 2);  // -1, -60000
  CHECK(row(out, 2, h).at("window_start") == 0);
  CHECK(row(out, 2, h).at("count") == 2);
}

TEST_CASE("a window is emitted by the batch that closes it, the rest by the final batch", "[window_aggregate]") {
  auto t = make_stage<WindowAggregateStage>(kCountConfig);
  auto b1 = make_json_batch({event(1000), event(61000)}, 0);
  run(*t.stage, *b1);
  CHECK(b1->counts().emitted == 0);
  auto b2 = make_json_batch({event(69999)}, 1, 3);
  run(*t.stage, *b2);
  CHECK(b2->counts().emitted == 0);  // max_ts 69999 < 0 + 70000
  auto b3 = make_json_batch({event(70000)}, 2, 4);
  run(*t.stage, *b3);
  REQUIRE(b3->counts().emitted == 1);
  const Record& emitted = b3->records().back();
  CHECK(emitted.line == 0);
  CHECK(emitted.alive());
  CHECK(emitted.value.at("window_start") == 0);
  CHECK(emitted.value.at("count") == 1);
  CHECK(emitted.value.storage() == b3->storage());  // built in the batch arena

  auto fin = make_final_batch(3);
  run(*t.stage, *fin);
  REQUIRE(fin->counts().emitted == 1);
  CHECK(fin->records()[0].value.at("window_start") == 60000);
  CHECK(fin->records()[0].value.at("count") == 3);

  auto after = make_final_batch(4);
  run(*t.stage, *after);
  CHECK(after->counts().emitted == 0);
}

TEST_CASE("a missing group-by field groups with null and is written as null", "[window_aggregate]") {
  constexpr const char* config = R"(
group_by: [region, {field: /user/country, as: country}]
metrics: [{name: n, op: count}]
)";
  StreamOutput out = run_stream(config,
                                {
                                    R"({"timestamp_ms":1,"region":"EU","user":{"country":"DE"}})",
                                    R"({"timestamp_ms":2,"user":{"country":"DE"}})",
                                    R"({"timestamp_ms":3,"region":null,"user":{"country":"DE"}})",
                                    R"({"timestamp_ms":4,"region":"EU"})",
                                    R"({"timestamp_ms":5,"region":"EU","user":{"country":null}})",
                                    R"({"timestamp_ms":6,"region":"EU","user":"DE"})",
                                    R"({"timestamp_ms":7,"region":7,"user":{"country":"DE"}})",
                                    R"({"timestamp_ms":8,"region":7.0,"user":{"country":"DE"}})",
                                },
                                3);
  REQUIRE(out.rows.size() == 4);
  CHECK(out.rows[0] == R"({"window_start":0,"region":"EU","country":"DE","n":1})");
  CHECK(out.rows[1] == R"({"window_start":0,"region":null,"country":"DE","n":2})");
  CHECK(out.rows[2] == R"({"window_start":0,"region":"EU","country":null,"n":3})");
  CHECK(out.rows[3] == R"({"window_start":0,"region":7,"country":"DE","n":2})");  // 7 and 7.0 are equal
}

TEST_CASE("timestamps are read from int64, uint64 and integral doubles", "[window_aggregate]") {
  auto t = make_stage<WindowAggregateStage>(kCountConfig);
  auto batch = make_json_batch({
      R"({"timestamp_ms":1764115200000})",
      R"({"timestamp_ms":1.7641152e12})",
      R"({"timestamp_ms":0})",
      R"({"timestamp_ms":1764115200000.5})",
      R"({"timestamp_ms":"1764115200000"})",
      R"({"ts":1764115200000})",
      R"({"timestamp_ms":1e300})",
      R"({"timestamp_ms":18446744073709551615})",
      R"([1764115200000])",
  });
  batch->records()[2].value.as_object()["timestamp_ms"] = uint64_t{1764115201000};
  run(*t.stage, *batch);
  const auto& r = batch->records();
  CHECK(r[0].fate == Fate::absorbed);
  CHECK(r[1].fate == Fate::absorbed);
  CHECK(r[2].fate == Fate::absorbed);
  for (std::size_t i = 3; i < 9; ++i) {
    INFO("record " << i);
    REQUIRE(r[i].fate == Fate::dead);
    CHECK(r[i].dead->reason == "missing_timestamp");
  }
  CHECK(r[3].dead->detail == "timestamp_ms is not an integral number of milliseconds");
  CHECK(r[4].dead->detail == "timestamp_ms is not a number");
  CHECK(r[5].dead->detail == "timestamp_ms is missing");
  CHECK(r[6].dead->detail == "timestamp_ms is out of range (more than 2^62 ms from the epoch)");
  CHECK(r[7].dead->detail == "timestamp_ms is out of range (more than 2^62 ms from the epoch)");
  auto fin = make_final_batch(1);
  run(*t.stage, *fin);
  REQUIRE(fin->counts().emitted == 1);
  CHECK(fin->records()[0].value.at("window_start") == 1764115200000);
  CHECK(fin->records()[0].value.at("count") == 3);
}

TEST_CASE("a record that is not an object has no timestamp", "[window_aggregate]") {
  auto t = make_stage<WindowAggregateStage>("time_field: /meta/t\nmetrics: [{name: n, op: count}]\n");
  auto batch = make_json_batch({"[1, 2]", R"({"meta":5})", R"({"meta":{"t":7}})", R"("text")"});
  run(*t.stage, *batch);
  const auto& r = batch->records();
  REQUIRE(r[0].fate == Fate::dead);
  CHECK(r[0].dead->reason == "missing_timestamp");
  CHECK(r[0].dead->detail == "the record is not an object, so it has no /meta/t");
  REQUIRE(r[1].fate == Fate::dead);
  CHECK(r[1].dead->detail == "/meta/t is missing");
  CHECK(r[2].fate == Fate::absorbed);
  CHECK(r[3].fate == Fate::dead);
}

TEST_CASE("values are read from int64, uint64 and double; others add nothing", "[window_aggregate]") {
  auto t = make_stage<WindowAggregateStage>(kSmallConfig);
  auto batch = make_json_batch({
      R"({"timestamp_ms":1,"latency_ms":4,"amount":1})",
      R"({"timestamp_ms":2,"latency_ms":0.5,"amount":2.25})",
      R"({"timestamp_ms":3,"latency_ms":0,"amount":3})",
      R"({"timestamp_ms":4,"latency_ms":"9","amount":"100"})",
      R"({"timestamp_ms":5})",
  });
  batch->records()[2].value.as_object()["latency_ms"] = uint64_t{16};
  run(*t.stage, *batch);
  auto fin = make_final_batch(1);
  run(*t.stage, *fin);
  REQUIRE(fin->counts().emitted == 1);
  const json::object& r = fin->records()[0].value.as_object();
  CHECK(r.at("count") == 5);
  CHECK(r.at("amount_sum").as_double() == 6.25);
  CHECK(r.at("latency_min").as_double() == 0.5);
  CHECK(r.at("latency_max").as_double() == 16);
  CHECK(r.at("latency_avg").as_double() == Approx(20.5 / 3));  // over the 3 numeric values
  CHECK(r.at("latency_p50").as_double() == 4);
}

TEST_CASE("a group without values writes sum 0 and null for min, max, avg and quantiles", "[window_aggregate]") {
  StreamOutput out = run_stream(kSmallConfig, {R"({"timestamp_ms":5,"event_type":"x"})"}, 1);
  REQUIRE(out.rows.size() == 1);
  CHECK(out.rows[0] ==
        R"({"window_start":0,"event_type":"x","region":null,"count":1,"amount_sum":0E0,"latency_min":null,)"
        R"("latency_max":null,"latency_avg":null,"latency_p50":null,"latency_p95":null,"latency_p99":null})");
}

TEST_CASE("output does not depend on how records are split into batches", "[window_aggregate]") {
  const std::vector<std::string> lines = synthetic_stream(20000, 1);
  const StreamOutput one = run_stream(kReferenceConfig, lines, 1);
  const StreamOutput seven = run_stream(kReferenceConfig, lines, 7);
  const StreamOutput big = run_stream(kReferenceConfig, lines, 4096);
  REQUIRE(one.rows.size() > 50);
  REQUIRE(one.dead.size() > 50);
  CHECK(one.rows == seven.rows);
  CHECK(one.rows == big.rows);
  CHECK(one.dead == seven.dead);
  CHECK(one.dead == big.dead);

  // Balance: every input is absorbed or dead-lettered, and the counts add up.
  REQUIRE(big.absorbed + big.dead.size() == lines.size());
  uint64_t counted = 0;
  for (const std::string& text : big.rows) counted += json::parse(text).at("count").as_int64();
  CHECK(counted == big.absorbed);
}

TEST_CASE("prepared batches give the output of unprepared ones, whoever prepared them and when",
          "[window_aggregate][prepare]") {
  const std::vector<std::string> lines = synthetic_stream(20000, 3);
  const StreamOutput plain = run_stream(kReferenceConfig, lines, 97);
  REQUIRE(plain.dead.size() > 50);  // late records and records without a timestamp among them

  auto t = make_stage<WindowAggregateStage>(kReferenceConfig);
  auto other = make_stage<WindowAggregateStage>(kReferenceConfig);  // as if swapped out before process()
  StreamOutput out;
  Feeder feeder(*t.stage, out);
  std::vector<std::unique_ptr<Batch>> batches = feeder.make_batches(lines, 97);
  // Two threads prepare two thirds of the batches, backwards, while a third is prepared only by
  // the other instance, so that process() reads those itself.
  std::vector<const Batch*> mine;
  std::vector<const Batch*> theirs;
  for (std::size_t i = 0; i < batches.size(); ++i) (i % 3 == 2 ? theirs : mine).push_back(batches[i].get());
  auto prepare_every_other = [&](std::size_t parity) {
    for (std::size_t k = mine.size(); k-- > 0;)
      if (k % 2 == parity) t.stage->prepare(*mine[k]);
  };
  std::thread even(prepare_every_other, 0);
  std::thread odd(prepare_every_other, 1);
  for (const Batch* b : theirs) other.stage->prepare(*b);
  even.join();
  odd.join();

  for (auto& batch : batches) feeder.run_batch(*batch);
  feeder.finish();
  CHECK(out.rows == plain.rows);
  CHECK(out.dead == plain.dead);
  CHECK(out.absorbed == plain.absorbed);
}

TEST_CASE("a batch prepared while the previous one is processed comes out the same", "[window_aggregate][prepare]") {
  // prepare() of batch n+1 overlaps process() of batch n, as in the pipeline.
  const std::vector<std::string> lines = synthetic_stream(5000, 5);
  const StreamOutput plain = run_stream(kReferenceConfig, lines, 64);
  auto t = make_stage<WindowAggregateStage>(kReferenceConfig);
  StreamOutput out;
  Feeder feeder(*t.stage, out);
  std::vector<std::unique_ptr<Batch>> batches = feeder.make_batches(lines, 64);
  t.stage->prepare(*batches[0]);
  for (std::size_t i = 0; i < batches.size(); ++i) {
    std::thread ahead([&] {
      if (i + 1 < batches.size()) t.stage->prepare(*batches[i + 1]);
    });
    feeder.run_batch(*batches[i]);
    ahead.join();
  }
  feeder.finish();
  CHECK(out.rows == plain.rows);
  CHECK(out.dead == plain.dead);
}
