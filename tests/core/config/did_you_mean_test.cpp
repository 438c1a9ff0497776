#include "config/did_you_mean.hpp"

#include <catch2/catch.hpp>

using namespace sluice::config;

TEST_CASE("edit distance counts insertions, deletions and substitutions", "[config]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("stages", "stages") == 0);
  CHECK(edit_distance("stage", "stages") == 1);
  CHECK(edit_distance("batch_sise", "batch_size") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("close typos get a suggestion, unrelated words a list", "[config]") {
  std::vector<std::string> keys = {"name", "source", "stages", "sink", "batch_size"};
  CHECK(closest_match("stagse", keys) == "stages");
  CHECK(closest_match("batchsize", keys) == "batch_size");
  CHECK(closest_match("zzzzzzzz", keys).empty());
  CHECK(suggestion_hint("snik", keys) == "did you mean 'sink'?");
  CHECK(suggestion_hint("qqqqqqqq", keys).rfind("expected one of: name, source", 0) == 0);
}
