#include "runtime/stage_counters.hpp"

#include <catch2/catch.hpp>

using sluice::runtime::LatencyHistogram;

TEST_CASE("latency quantiles land within one bucket (about 3%) above the true value", "[runtime]") {
  LatencyHistogram h;
  CHECK(h.quantile(0.5) == 0);
  for (uint64_t us = 1; us <= 10000; ++us) h.record(us);
  CHECK(h.count() == 10000);
  CHECK(h.quantile(0.50) >= 5000);
  CHECK(h.quantile(0.50) <= 5000 * (1 + 1.0 / 32));
  CHECK(h.quantile(0.99) >= 9900);
  CHECK(h.quantile(0.99) <= 9900 * (1 + 1.0 / 32));
  CHECK(h.quantile(1.0) == 10000);
  CHECK(h.max() == 10000);
}

TEST_CASE("bucket bounds grow monotonically", "[runtime]") {
  for (int i = 1; i < LatencyHistogram::kBuckets; ++i)
    CHECK(LatencyHistogram::bucket_upper(i) > LatencyHistogram::bucket_upper(i - 1));
}

TEST_CASE("every value falls in the bucket whose bounds hold it", "[runtime]") {
  // A value v lands in the bucket i with upper(i - 1) <= v < upper(i): count_below(upper(i))
  // counts it, count_below(upper(i - 1)) does not.
  for (uint64_t us : {1, 2, 3, 31, 32, 33, 63, 64, 100, 4607, 4608, 4700, 4992, 5000, 5120, 5121, 123456, 9999999}) {
    LatencyHistogram h;
    h.record(us);
    int bucket = -1;
    for (int i = 0; i < LatencyHistogram::kBuckets; ++i)
      if (h.bucket_count(i) == 1) bucket = i;
    INFO("value " << us << " in bucket " << bucket);
    REQUIRE(bucket >= 0);
    CHECK(LatencyHistogram::bucket_upper(bucket) > static_cast<double>(us));
    CHECK(LatencyHistogram::bucket_upper(bucket) <= static_cast<double>(us) * (1 + 1.0 / 32));
    if (bucket > 0) CHECK(LatencyHistogram::bucket_upper(bucket - 1) <= static_cast<double>(us));
    CHECK(h.count_below(LatencyHistogram::bucket_upper(bucket)) == 1);
    if (bucket > 0) CHECK(h.count_below(LatencyHistogram::bucket_upper(bucket - 1)) == 0);
  }
}
