#include "rfc3339.hpp"

namespace sluice::plugins::normalize {

namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kMsPerMinute = 60 * kMsPerSecond;
constexpr std::int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads exactly `count` digits at text[pos]; false when any is not a digit.
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, unsigned& out) noexcept {
  if (pos + count > text.size()) return false;
  unsigned value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return false;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  out = value;
  return true;
}

bool is_leap_year(unsigned year) noexcept { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

unsigned days_in_month(unsigned year, unsigned month) noexcept {
  static constexpr unsigned char kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) noexcept {
  // YYYY-MM-DDTHH:MM:SS is 19 bytes at fixed positions.
  unsigned year, month, day, hour, minute, second;
  if (text.size() < 20) return std::nullopt;  // the shortest form ends with 'Z'
  if (!read_digits(text, 0, 4, year) || text[4] != '-' || !read_digits(text, 5, 2, month) || text[7] != '-' ||
      !read_digits(text, 8, 2, day) || text[10] != 'T' || !read_digits(text, 11, 2, hour) || text[13] != ':' ||
      !read_digits(text, 14, 2, minute) || text[16] != ':' || !read_digits(text, 17, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59)
    return std::nullopt;

  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    while (pos < text.size() && is_digit(text[pos])) {
      if (pos - first < 3) millis = millis * 10 + (text[pos] - '0');  // truncate past milliseconds
      ++pos;
    }
    const std::size_t digits = pos - first;
    if (digits < 1 || digits > 9) return std::nullopt;
    for (std::size_t i = digits; i < 3; ++i) millis *= 10;  // ".1" is 100 ms
  }

  std::int64_t offset_ms = 0;
  if (pos + 1 == text.size() && text[pos] == 'Z') {
    // UTC
  } else if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-')) {
    unsigned offset_hours, offset_minutes;
    if (!read_digits(text, pos + 1, 2, offset_hours) || text[pos + 3] != ':' ||
        !read_digits(text, pos + 4, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59)
      return std::nullopt;
    offset_ms = offset_hours * kMsPerHour + offset_minutes * kMsPerMinute;
    if (text[pos] == '-') offset_ms = -offset_ms;
  } else {
    return std::nullopt;
  }

  // Local time minus its offset from UTC is UTC: 02:00+02:00 is 00:00Z.
  return days_from_civil(year, month, day) * kMsPerDay + hour * kMsPerHour + minute * kMsPerMinute +
         second * kMsPerSecond + millis - offset_ms;
}

}  // namespace sluice::plugins::normalize
