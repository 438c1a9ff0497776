#include "quantile_sketch.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using sluice::plugins::window_aggregate::ByteReader;
using sluice::plugins::window_aggregate::ByteWriter;
using sluice::plugins::window_aggregate::nearest_rank;
using sluice::plugins::window_aggregate::QuantileSketch;

namespace {

// ceil(num / den * n) in integers: the nearest rank for q = num / den.
uint64_t exact_rank(uint64_t num, uint64_t den, uint64_t n) { return std::max<uint64_t>(1, (num * n + den - 1) / den); }

double relative_error(double estimate, double exact) {
  if (exact == 0) return std::fabs(estimate);
  return std::fabs(estimate - exact) / std::fabs(exact);
}

// Checks q = num / den for every listed q against the sorted values.
void require_within(const QuantileSketch& sketch, std::vector<double> values, double tolerance) {
  std::sort(values.begin(), values.end());
  const uint64_t n = values.size();
  for (uint64_t num : {1, 10, 25, 50, 75, 90, 95, 99, 100}) {
    const double exact = values[exact_rank(num, 100, n) - 1];
    const double estimate = sketch.quantile(static_cast<double>(num) / 100);
    INFO("q = " << num << "/100, exact " << exact << ", estimate " << estimate);
    REQUIRE(relative_error(estimate, exact) <= tolerance);
  }
}

}  // namespace

TEST_CASE("nearest_rank forms ceil(q * count) without floating-point overshoot", "[quantile_sketch]") {
  CHECK(nearest_rank(0.95, 20) == 19);  // 0.95 * 20 is 19.000000000000004 in doubles
  CHECK(nearest_rank(0.1, 30) == 3);    // 0.1 * 30 is 3.0000000000000004
  CHECK(nearest_rank(0.7, 10) == 7);
  CHECK(nearest_rank(0.99, 100) == 99);
  CHECK(nearest_rank(0.99, 101) == 100);
  CHECK(nearest_rank(0.5, 1) == 1);
  CHECK(nearest_rank(0.5, 2) == 1);
  CHECK(nearest_rank(0.5, 3) == 2);
  CHECK(nearest_rank(1.0, 7) == 7);
  CHECK(nearest_rank(1e-12, 7) == 1);
  CHECK(nearest_rank(0.5, 0) == 0);
  for (uint64_t n = 1; n <= 1000; ++n) {
    for (uint64_t pct : {1, 5, 10, 25, 50, 75, 90, 95, 99}) {
      INFO("n = " << n << ", q = " << pct << "%");
      REQUIRE(nearest_rank(static_cast<double>(pct) / 100, n) == exact_rank(pct, 100, n));
    }
  }
}

TEST_CASE("quantiles of 100k lognormal values are within 1% of the exact nearest rank", "[quantile_sketch]") {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(3.5, 0.8);
  std::vector<double> values(100000);
  QuantileSketch sketch(0.005);
  for (double& v : values) {
    v = dist(rng);
    sketch.add(v);
  }
  REQUIRE_FALSE(sketch.is_exact());
  REQUIRE(sketch.count() == values.size());
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (uint64_t num : {50, 95, 99}) {
    const double exact = sorted[exact_rank(num, 100, sorted.size()) - 1];
    const double estimate = sketch.quantile(static_cast<double>(num) / 100);
    INFO("q = 0." << num << ": exact " << exact << ", estimate " << estimate);
    CHECK(relative_error(estimate, exact) <= 0.01);
    // The construction promises the sketch's own accuracy, tighter than 1%.
    CHECK(relative_error(estimate, exact) <= 0.005 * (1 + 1e-9));
  }
  require_within(sketch, values, 0.005 * (1 + 1e-9));
  CHECK(sketch.min() == sorted.front());
  CHECK(sketch.max() == sorted.back());
  // A few hundred buckets, not one per value.
  CHECK(sketch.memory_bytes() < 32 * 1024);
}

TEST_CASE("merging two sketches equals one sketch over all values", "[quantile_sketch]") {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(2.0, 1.5);
  QuantileSketch a, b, all;
  for (int i = 0; i < 30000; ++i) {
    const double v = i % 97 == 0 ? 0.0 : (i % 5 == 0 ? -dist(rng) : dist(rng));
    (i % 3 == 0 ? a : b).add(v);
    all.add(v);
  }
  a.merge(b);
  REQUIRE(a.count() == all.count());
  CHECK(a.min() == all.min());
  CHECK(a.max() == all.max());
  for (uint64_t rank = 1; rank <= all.count(); rank += 97) REQUIRE(a.value_at_rank(rank) == all.value_at_rank(rank));
  REQUIRE(a.value_at_rank(all.count()) == all.value_at_rank(all.count()));

  SECTION("also when one side is still exact") {
    QuantileSketch small, big = all;
    for (double v : {1.5, 2.5, 1000.0}) {
      small.add(v);
      all.add(v);
    }
    big.merge(small);
    REQUIRE(big.count() == all.count());
    for (uint64_t rank = 1; rank <= all.count(); rank += 101) REQUIRE(big.value_at_rank(rank) == all.value_at_rank(rank));
  }
  SECTION("and two exact sketches stay exact") {
    QuantileSketch x, y, xy;
    for (int i = 0; i < 10; ++i) {
      x.add(i * 1.25);
      y.add(100 - i * 3.5);
      xy.add(i * 1.25);
      xy.add(100 - i * 3.5);
    }
    x.merge(y);
    REQUIRE(x.is_exact());
    for (uint64_t rank = 1; rank <= 20; ++rank) REQUIRE(x.value_at_rank(rank) == xy.value_at_rank(rank));
  }
}

TEST_CASE("tiny groups give the exact nearest-rank value", "[quantile_sketch]") {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> dist(0.5, 900.0);
  for (std::size_t n : {1u, 2u, 3u, 20u}) {
    QuantileSketch sketch;
    std::vector<double> values(n);
    for (double& v : values) {
      v = std::round(dist(rng) * 1000) / 1000;
      sketch.add(v);
    }
    std::sort(values.begin(), values.end());
    for (uint64_t num : {1, 50, 95, 99, 100}) {
      INFO("n = " << n << ", q = " << num << "%");
      REQUIRE(sketch.quantile(static_cast<double>(num) / 100) == values[exact_rank(num, 100, n) - 1]);
    }
  }
  SECTION("q = 0.95 of 1..20 is 19") {
    QuantileSketch sketch;
    for (int i = 20; i >= 1; --i) sketch.add(i);
    CHECK(sketch.quantile(0.95) == 19);
    CHECK(sketch.quantile(0.5) == 10);
    CHECK(sketch.quantile(0.99) == 20);
  }
}

TEST_CASE("zeros are counted exactly and ordered between negatives and positives", "[quantile_sketch]") {
  QuantileSketch zeros;
  for (int i = 0; i < 1000; ++i) zeros.add(0.0);
  REQUIRE_FALSE(zeros.is_exact());
  CHECK(zeros.quantile(0.5) == 0.0);
  CHECK(zeros.quantile(1.0) == 0.0);

  QuantileSketch mixed;
  std::vector<double> values;
  for (int i = 0; i < 300; ++i) values.push_back(0.0);
  for (int i = 1; i <= 700; ++i) values.push_back(i * 0.37);
  for (int i = 1; i <= 100; ++i) values.push_back(-i * 2.0);
  for (double v : values) mixed.add(v);
  std::sort(values.begin(), values.end());
  for (uint64_t rank = 1; rank <= values.size(); ++rank) {
    INFO("rank " << rank << " exact " << values[rank - 1]);
    REQUIRE(relative_error(mixed.value_at_rank(rank), values[rank - 1]) <= 0.005 * (1 + 1e-9));
  }
  CHECK(mixed.value_at_rank(101) == 0.0);
  CHECK(mixed.value_at_rank(400) == 0.0);
}

TEST_CASE("negative values use a mirrored store with the same accuracy", "[quantile_sketch]") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> dist(-1000.0, 1000.0);
  QuantileSketch sketch;
  std::vector<double> values(20000);
  for (double& v : values) {
    v = dist(rng);
    sketch.add(v);
  }
  require_within(sketch, values, 0.005 * (1 + 1e-9));
  std::sort(values.begin(), values.end());
  CHECK(sketch.quantile(1e-9) == values.front());  // clamped to the exact min
}

TEST_CASE("extreme magnitudes stay accurate in little memory", "[quantile_sketch]") {
  SECTION("1e-300 next to 1e300") {
    QuantileSketch sketch;
    std::vector<double> values;
    for (int i = 0; i < 500; ++i) {
      values.push_back(1e-300 * (1 + i * 1e-3));
      values.push_back(1e300 * (1 + i * 1e-3));
      values.push_back(-5e299 * (1 + i * 1e-3));
      values.push_back(4.9e-324);  // the smallest subnormal
    }
    for (double v : values) sketch.add(v);
    require_within(sketch, values, 0.005 * (1 + 1e-9));
    CHECK(sketch.memory_bytes() < 64 * 1024);
  }
  SECTION("log-uniform over 600 decades") {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> exponent(-300.0, 300.0);
    QuantileSketch sketch;
    std::vector<double> values(20000);
    for (double& v : values) {
      v = std::pow(10.0, exponent(rng));
      sketch.add(v);
    }
    require_within(sketch, values, 0.005 * (1 + 1e-9));
    // At most one entry per distinct bucket: bounded by the values, not by the range.
    CHECK(sketch.memory_bytes() < 2 * 1024 * 1024);
  }
  SECTION("values near the largest double") {
    QuantileSketch sketch;
    std::vector<double> values;
    for (int i = 0; i < 100; ++i) values.push_back(1.7976931348623157e308 * (1 - i * 1e-4));
    for (double v : values) sketch.add(v);
    require_within(sketch, values, 0.005 * (1 + 1e-9));
    CHECK(std::isfinite(sketch.quantile(1.0)));
  }
}

TEST_CASE("NaN and infinities are ignored", "[quantile_sketch]") {
  QuantileSketch sketch;
  sketch.add(std::nan(""));
  sketch.add(INFINITY);
  sketch.add(-INFINITY);
  CHECK(sketch.empty());
  CHECK(std::isnan(sketch.quantile(0.5)));
  sketch.add(4.0);
  CHECK(sketch.count() == 1);
  CHECK(sketch.quantile(0.5) == 4.0);
}

TEST_CASE("a sketch survives encode and decode unchanged", "[quantile_sketch]") {
  std::mt19937_64 rng(9);
  std::lognormal_distribution<double> dist(1.0, 2.0);
  for (int n : {0, 5, 32, 33, 5000}) {
    QuantileSketch sketch(0.01);
    for (int i = 0; i < n; ++i) sketch.add(i % 7 == 0 ? -dist(rng) : (i % 11 == 0 ? 0.0 : dist(rng)));
    std::string bytes;
    ByteWriter writer(bytes);
    sketch.encode(writer);
    ByteReader reader(bytes);
    QuantileSketch copy = QuantileSketch::decode(reader);
    REQUIRE(reader.at_end());
    REQUIRE(copy.count() == sketch.count());
    REQUIRE(copy.is_exact() == sketch.is_exact());
    REQUIRE(copy.relative_accuracy() == sketch.relative_accuracy());
    for (uint64_t rank = 1; rank <= sketch.count(); ++rank) REQUIRE(copy.value_at_rank(rank) == sketch.value_at_rank(rank));
    // Truncated input is refused.
    if (!bytes.empty()) {
      ByteReader truncated(std::string_view(bytes).substr(0, bytes.size() - 1));
      REQUIRE_THROWS_AS(QuantileSketch::decode(truncated), std::runtime_error);
    }
  }
}

TEST_CASE("sketches of different accuracy refuse to merge; bad accuracies are refused", "[quantile_sketch]") {
  QuantileSketch a(0.005), b(0.01);
  b.add(1);
  CHECK_THROWS_AS(a.merge(b), std::invalid_argument);
  CHECK_THROWS_AS(QuantileSketch(0.0), std::invalid_argument);
  CHECK_THROWS_AS(QuantileSketch(0.5), std::invalid_argument);
  CHECK_THROWS_AS(QuantileSketch(std::nan("")), std::invalid_argument);
}
