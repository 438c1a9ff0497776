// window_aggregate: snapshot() and restore() for hot swap.
#include "stream_harness.hpp"

#include <catch2/catch.hpp>

using namespace window_aggregate_test;

TEST_CASE("snapshot and restore mid-stream give the output of an uninterrupted run", "[window_aggregate]") {
  const std::vector<std::string> lines = synthetic_stream(12000, 2);
  const StreamOutput expected = run_stream(kReferenceConfig, lines, 500);
  const std::vector<std::string> head(lines.begin(), lines.begin() + 6000);
  const std::vector<std::string> tail(lines.begin() + 6000, lines.end());

  auto first = make_stage<WindowAggregateStage>(kReferenceConfig);
  StreamOutput out;
  Feeder feeder(*first.stage, out);
  feeder.feed(head, 500);
  const std::string state = first.stage->snapshot();
  REQUIRE(state.size() > 100);

  auto second = make_stage<WindowAggregateStage>(kReferenceConfig);
  second.stage->restore(state);
  CHECK(second.stage->snapshot() == state);
  feeder.set_stage(*second.stage);
  feeder.feed(tail, 500);
  feeder.finish();
  CHECK(out.rows == expected.rows);
  CHECK(out.dead == expected.dead);

  SECTION("restore replaces the state it had") {
    auto third = make_stage<WindowAggregateStage>(kReferenceConfig);
    StreamOutput junk;
    Feeder other(*third.stage, junk);
    other.feed(synthetic_stream(3000, 99), 1000);
    third.stage->restore(state);
    CHECK(third.stage->snapshot() == state);
  }
}

TEST_CASE("restore refuses unknown versions, other configurations and corrupt states", "[window_aggregate]") {
  auto t = make_stage<WindowAggregateStage>(kReferenceConfig);
  StreamOutput out;
  Feeder feeder(*t.stage, out);
  feeder.feed(synthetic_stream(2000, 3), 500);
  const std::string state = t.stage->snapshot();

  auto target = make_stage<WindowAggregateStage>(kReferenceConfig);
  target.stage->restore(state);
  const std::string before = target.stage->snapshot();

  std::string future = state;
  future[4] = 2;  // version 2
  CHECK_THROWS_WITH(target.stage->restore(future), Catch::Contains("unsupported window_aggregate state version 2"));
  CHECK_THROWS_AS(target.stage->restore(""), std::runtime_error);
  CHECK_THROWS_AS(target.stage->restore("not a state at all"), std::runtime_error);
  CHECK_THROWS_AS(target.stage->restore(state.substr(0, state.size() / 2)), std::runtime_error);
  CHECK_THROWS_AS(target.stage->restore(state + "x"), std::runtime_error);
  // A failed restore leaves the state as it was.
  CHECK(target.stage->snapshot() == before);

  auto other = make_stage<WindowAggregateStage>(kSmallConfig);
  CHECK_THROWS_WITH(other.stage->restore(state), Catch::Contains("another configuration"));

  // An empty stage round-trips too.
  auto empty = make_stage<WindowAggregateStage>(kReferenceConfig);
  const std::string empty_state = empty.stage->snapshot();
  target.stage->restore(empty_state);
  CHECK(target.stage->snapshot() == empty_state);
}

TEST_CASE("restore either reads a damaged state or refuses it, byte by byte", "[window_aggregate]") {
  auto t = make_stage<WindowAggregateStage>(kReferenceConfig);
  StreamOutput out;
  Feeder feeder(*t.stage, out);
  feeder.feed(synthetic_stream(300, 4), 100);
  const std::string state = t.stage->snapshot();
  auto target = make_stage<WindowAggregateStage>(kReferenceConfig);
  std::size_t refused = 0;
  for (std::size_t i = 0; i < state.size(); i += 3) {
    for (unsigned char flip : {0x01, 0x80, 0xFF}) {
      std::string damaged = state;
      damaged[i] = static_cast<char>(static_cast<unsigned char>(damaged[i]) ^ flip);
      try {
        target.stage->restore(damaged);
      } catch (const std::runtime_error&) {
        ++refused;
      }
    }
  }
  CHECK(refused > 0);
  target.stage->restore(state);
  CHECK(target.stage->snapshot() == state);
}
