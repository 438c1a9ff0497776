#include "rfc3339.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

using sluice::plugins::normalize::days_from_civil;
using sluice::plugins::normalize::parse_rfc3339_ms;

namespace {

constexpr std::int64_t kDayMs = 86400000;

std::string stamp(int year, int month, int day, int hour = 0, int minute = 0, int second = 0, const char* rest = "Z") {
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d%s", year, month, day, hour, minute, second, rest);
  return text;
}

// The independent oracle: the standard library's civil calendar.
std::optional<std::int64_t> chrono_days(int year, int month, int day) {
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd).time_since_epoch().count();
}

}  // namespace

TEST_CASE("rfc3339: reference values", "[rfc3339]") {
  CHECK(parse_rfc3339_ms("1970-01-01T00:00:00Z") == 0);
  // Cross-checked with Python's datetime: 2026-11-26 is day 20783 of the epoch, 2025-11-26
  // day 20418.
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00.1239Z") == 1795651200123);
  CHECK(parse_rfc3339_ms("2025-11-26T00:00:00.1239Z") == 1764115200123);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00Z") == 1795651200000);
  CHECK(parse_rfc3339_ms("2026-11-26T02:00:00.500+02:00") == 1795651200500);
  CHECK(parse_rfc3339_ms("2026-11-25T22:00:00.500-02:00") == 1795651200500);
  CHECK(parse_rfc3339_ms("0000-01-01T00:00:00Z") == -62167219200000);
  CHECK(parse_rfc3339_ms("9999-12-31T23:59:59.999999999Z") == 253402300799999);
  CHECK(parse_rfc3339_ms("1969-12-31T23:59:59.999Z") == -1);
  CHECK(parse_rfc3339_ms("1969-12-31T23:59:59.9999Z") == -1);  // truncated towards the past
  CHECK(parse_rfc3339_ms("1970-01-01T00:00:00+01:00") == -3600000);
  CHECK(parse_rfc3339_ms("1970-01-01T00:00:00-00:00") == 0);
  CHECK(parse_rfc3339_ms("2024-02-29T12:34:56.789Z") == 1709210096789);
}

TEST_CASE("rfc3339: fraction digits are 1 to 9, truncated to milliseconds", "[rfc3339]") {
  const std::int64_t base = 1795651200000;
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00.1Z") == base + 100);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00.12Z") == base + 120);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00.123Z") == base + 123);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00.1239Z") == base + 123);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00.999999Z") == base + 999);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00.999999999Z") == base + 999);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00.000000001Z") == base);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00.0+00:00") == base);
  CHECK_FALSE(parse_rfc3339_ms("2026-11-26T00:00:00.1234567890Z"));  // 10 digits
  CHECK_FALSE(parse_rfc3339_ms("2026-11-26T00:00:00.Z"));
  CHECK_FALSE(parse_rfc3339_ms("2026-11-26T00:00:00.+02:00"));
  CHECK_FALSE(parse_rfc3339_ms("2026-11-26T00:00:00,5Z"));
  CHECK_FALSE(parse_rfc3339_ms("2026-11-26T00:00:00.5"));
  CHECK_FALSE(parse_rfc3339_ms("2026-11-26T00:00:00..5Z"));
  CHECK_FALSE(parse_rfc3339_ms("2026-11-26T00:00:00.5.5Z"));
}

TEST_CASE("rfc3339: offsets are Z or +-HH:MM with hours 00-23 and minutes 00-59", "[rfc3339]") {
  const std::int64_t base = 1795651200000;
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00+02:00") == base - 2 * 3600000);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00-23:59") == base + 23 * 3600000 + 59 * 60000);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00+23:59") == base - 23 * 3600000 - 59 * 60000);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00+05:30") == base - 5 * 3600000 - 30 * 60000);
  for (const char* bad : {"+24:00",
                          "-24:00",
                          "+23:60",
                          "+99:00",
                          "+0200",
                          "+02",
                          "+2:00",
                          "+02:0",
                          "+02:000",
                          "02:00",
                          "z",
                          "UTC",
                          "GMT",
                          "+02:00Z",
                          "Z+02:00",
                          "ZZ",
                          "",
                          "+",
                          "-",
                          "+02:00 ",
                          "\xE2\x88\x92"
                          "02:00"}) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339_ms(std::string("2026-11-26T00:00:00") + bad));
  }
}

TEST_CASE("rfc3339: only the exact form is accepted", "[rfc3339]") {
  for (const char* bad : {
           "2026-11-26t00:00:00Z",  // lower-case t
           "2026-11-26T00:00:00z",  // lower-case z
           "2026-11-26 00:00:00Z",  // space separator
           "2026-11-26_00:00:00Z",
           " 2026-11-26T00:00:00Z",  // leading space
           "2026-11-26T00:00:00Z ",  // trailing space
           "2026-11-26T00:00:00Z\n",
           "\t2026-11-26T00:00:00Z",
           "2026-11-26T00:00Z",    // no seconds
           "2026-11-26T00:00:00",  // no offset
           "2026-11-26",
           "2026-11-26T",
           "26-11-26T00:00:00Z",
           "+2026-11-26T00:00:00Z",
           "-2026-11-26T00:00:00Z",
           "12026-11-26T00:00:00Z",  // five-digit year
           "2026-1-26T00:00:00Z",
           "2026-11-6T00:00:00Z",
           "2026-11-26T0:00:00Z",
           "2026-11-26T00:0:00Z",
           "2026-11-26T00:00:0Z",
           "2026/11/26T00:00:00Z",
           "2026-11-26T00.00.00Z",
           "2026-11-26T00:00:00ZZ",
           "2026-11-26T00:00:00.000Zjunk",
           "20261126T000000Z",  // ISO 8601 basic form
           "2026-W48-4T00:00:00Z",
           "2026-330T00:00:00Z",    // ordinal date
           "2O26-11-26T00:00:00Z",  // letter O
           "2026-11-26T00:00:00+02:00:00",
           "yesterday",
           "",
       }) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339_ms(bad));
  }
  CHECK_FALSE(parse_rfc3339_ms(std::string_view("2026-11-26T00:00:00Z\0", 21)));
}

TEST_CASE("rfc3339: field ranges", "[rfc3339]") {
  CHECK(parse_rfc3339_ms(stamp(2026, 1, 1)));
  CHECK_FALSE(parse_rfc3339_ms(stamp(2026, 0, 1)));
  CHECK_FALSE(parse_rfc3339_ms(stamp(2026, 13, 1)));
  CHECK_FALSE(parse_rfc3339_ms(stamp(2026, 1, 0)));
  CHECK_FALSE(parse_rfc3339_ms(stamp(2026, 1, 32)));
  CHECK_FALSE(parse_rfc3339_ms(stamp(2026, 2, 30)));
  CHECK_FALSE(parse_rfc3339_ms(stamp(2026, 4, 31)));
  CHECK_FALSE(parse_rfc3339_ms(stamp(2023, 2, 29)));
  CHECK(parse_rfc3339_ms(stamp(2024, 2, 29)));
  CHECK(parse_rfc3339_ms(stamp(2000, 2, 29)));
  CHECK_FALSE(parse_rfc3339_ms(stamp(1900, 2, 29)));
  CHECK(parse_rfc3339_ms(stamp(0, 2, 29)));  // year 0 is a leap year (divisible by 400)
  CHECK_FALSE(parse_rfc3339_ms("2026-13-01T00:00:00Z"));

  // Every time of day, and each out-of-range field.
  // (Mismatches are collected so that a million Catch assertions do not slow the test down.)
  std::int64_t expected = 1795651200000;
  std::string mismatch;
  for (int h = 0; h < 24; ++h)
    for (int m = 0; m < 60; ++m)
      for (int s = 0; s < 60; ++s, expected += 1000)
        if (mismatch.empty() && parse_rfc3339_ms(stamp(2026, 11, 26, h, m, s)) != expected)
          mismatch = stamp(2026, 11, 26, h, m, s);
  CHECK(mismatch == "");
  CHECK_FALSE(parse_rfc3339_ms(stamp(2026, 11, 26, 24, 0, 0)));
  CHECK_FALSE(parse_rfc3339_ms(stamp(2026, 11, 26, 0, 60, 0)));
  CHECK_FALSE(parse_rfc3339_ms(stamp(2026, 11, 26, 23, 59, 60)));  // no leap second
  CHECK_FALSE(parse_rfc3339_ms(stamp(2016, 12, 31, 23, 59, 60)));
  CHECK_FALSE(parse_rfc3339_ms(stamp(2026, 11, 26, 99, 99, 99)));
}

TEST_CASE("rfc3339: dates match std::chrono's calendar", "[rfc3339]") {
  // The standard library's civil calendar is the oracle for leap years, month lengths and the
  // days-from-civil arithmetic. (Mismatches are collected: a million Catch assertions would
  // make the test slow.)
  std::string mismatch;
  std::int64_t valid = 0;
  auto check = [&](int year, int month, int day) {
    const auto days = chrono_days(year, month, day);
    const std::string text = stamp(year, month, day, 12, 0, 0);
    const auto parsed = parse_rfc3339_ms(text);
    bool ok = !parsed;
    if (days) {
      ok = parsed == *days * kDayMs + 12 * 3600000 &&
           days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) == *days;
      ++valid;
    }
    if (!ok && mismatch.empty()) mismatch = text;
  };
  // Every year 0000-9999 around its leap day: the leap rule and the 400-year eras.
  for (int year = 0; year <= 9999; ++year) {
    check(year, 2, 28);
    check(year, 2, 29);
    check(year, 3, 1);
  }
  // Every month's edges in years that matter to the rules.
  for (int year : {0, 1, 4, 99, 100, 399, 400, 1600, 1900, 1969, 1970, 2000, 2023, 2024, 2026, 2100, 9999})
    for (int month = 1; month <= 12; ++month)
      for (int day : {0, 1, 28, 29, 30, 31, 32}) check(year, month, day);
  // Every day from 1960 to 2040.
  for (int year = 1960; year <= 2040; ++year)
    for (int month = 1; month <= 12; ++month)
      for (int day = 1; day <= 31; ++day) check(year, month, day);
  CHECK(mismatch == "");
  // Feb 28 and Mar 1 always, Feb 29 in the 2425 leap years; days 1 and 28 of 12 months, 29 and
  // 30 of 11, 31 of 7, and Feb 29 in the 6 leap years of the list; 29586 days in 1960-2040.
  CHECK(valid == 10000 * 2 + 2425 + 17 * (12 * 2 + 11 * 2 + 7) + 6 + 29586);
}
