// RFC 3339 timestamps, in the one strict form the reference workload accepts.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::plugins::normalize {

// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` into integer milliseconds since the Unix epoch
// (UTC); negative before 1970. Exactly that form, nothing around it: upper-case `T` and `Z`
// only, year 0000-9999, month 01-12, day valid for the month (proleptic Gregorian leap years),
// hour 00-23, minute and second 00-59 (no leap second), 1 to 9 fraction digits truncated (not
// rounded) to milliseconds, offset hours 00-23 and minutes 00-59. Returns nullopt for anything
// else. Pure; safe from any thread.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) noexcept;

// Days from 1970-01-01 to the given proleptic Gregorian date (negative before it). month 1-12,
// day 1-31; the caller checks the date is valid.
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) noexcept {
  // Howard Hinnant's algorithm: eras of 400 years, with years starting on March 1st so that
  // the leap day is the last day of a year.
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);                            // [0, 399]
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;  // [0, 365]
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

}  // namespace sluice::plugins::normalize
