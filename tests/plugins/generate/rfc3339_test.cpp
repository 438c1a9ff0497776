#include "rfc3339.hpp"

#include <catch2/catch.hpp>

#include <string>

using sluice::plugins::generate::parse_rfc3339_ms;
using sluice::plugins::generate::TimestampForm;
using sluice::plugins::generate::write_timestamp;

TEST_CASE("RFC 3339 times parse to epoch milliseconds", "[generate][rfc3339]") {
  CHECK(parse_rfc3339_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00Z") == 1795651200000);
  CHECK(parse_rfc3339_ms("2026-11-26T00:00:00.1239Z") == 1795651200123);
  CHECK(parse_rfc3339_ms("2026-11-26T02:00:00.5+02:00") == 1795651200500);
  CHECK(parse_rfc3339_ms("2024-02-29T23:59:59-01:30") == 1709251199000 + 90 * 60000);
  CHECK(parse_rfc3339_ms("2000-03-01T00:00:00.000000001Z") == 951868800000);
}

TEST_CASE("malformed RFC 3339 times are refused", "[generate][rfc3339]") {
  for (const char* bad : {"", "yesterday", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-26t00:00:00Z",
                          "2026-11-26T00:00:00z", "2026-11-26 00:00:00Z", "2026-11-26T24:00:00Z",
                          "2026-11-26T00:60:00Z", "2026-11-26T00:00:60Z", "2026-11-26T00:00:00.Z",
                          "2026-11-26T00:00:00.1234567890Z", "2026-11-26T00:00:00", "2026-11-26T00:00:00+2:00",
                          "2026-11-26T00:00:00+24:00", "2026-11-26T00:00:00Z ", "1900-02-29T00:00:00Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339_ms(bad).has_value());
  }
}

TEST_CASE("every timestamp form reads back as the same instant", "[generate][rfc3339]") {
  const int64_t instants[] = {0, 86'399'999, 951'782'400'123, 1'795'651'200'000, 1'795'737'599'999, 4'102'444'799'999};
  const TimestampForm forms[] = {TimestampForm::millis_utc,    TimestampForm::seconds_utc,
                                 TimestampForm::micros_utc,    TimestampForm::nanos_utc,
                                 TimestampForm::millis_plus_2, TimestampForm::millis_minus_5_30};
  for (int64_t ms : instants) {
    for (TimestampForm form : forms) {
      char buf[64];
      const std::string text(buf, write_timestamp(buf, ms, form, 456789));
      INFO(text);
      CHECK(text.size() <= sluice::plugins::generate::kMaxTimestampBytes);
      const int64_t expected = form == TimestampForm::seconds_utc ? ms / 1000 * 1000 : ms;
      CHECK(parse_rfc3339_ms(text) == expected);
    }
  }
  char buf[64];
  CHECK(std::string(buf, write_timestamp(buf, 1'795'651'200'123, TimestampForm::micros_utc, 456789)) ==
        "2026-11-26T00:00:00.123789Z");
  CHECK(std::string(buf, write_timestamp(buf, 1'795'651'200'123, TimestampForm::millis_minus_5_30, 0)) ==
        "2026-11-25T18:30:00.123-05:30");
}
