#include "runtime/stage_counters.hpp"

#include <catch2/catch.hpp>

using sluice::runtime::LatencyHistogram;

TEST_CASE("latency quantiles land within one bucket (about 12%) of the true value", "[runtime]") {
  LatencyHistogram h;
  CHECK(h.quantile(0.5) == 0);
  for (uint64_t us = 1; us <= 10000; ++us) h.record(us);
  CHECK(h.count() == 10000);
  CHECK(h.quantile(0.50) == Approx(5000).epsilon(0.13));
  CHECK(h.quantile(0.99) == Approx(9900).epsilon(0.13));
  CHECK(h.quantile(1.0) == 10000);
  CHECK(h.max() == 10000);
}

TEST_CASE("bucket bounds grow monotonically", "[runtime]") {
  for (int i = 1; i < LatencyHistogram::kBuckets; ++i)
    CHECK(LatencyHistogram::bucket_upper(i) > LatencyHistogram::bucket_upper(i - 1));
}
