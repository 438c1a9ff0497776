#include "rfc3339.hpp"

namespace sluice::plugins::generate {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Date {
  int64_t year;
  unsigned month;
  unsigned day;
};

// The inverse of days_from_civil.
constexpr Date civil_from_days(int64_t z) noexcept {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

constexpr bool is_leap(int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(int64_t y, unsigned m) noexcept {
  constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at text[pos]; false when any is not a digit.
bool read_digits(std::string_view text, std::size_t pos, std::size_t n, unsigned& value) noexcept {
  if (pos + n > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return true;
}

char* put_digits(char* out, uint64_t value, int width) noexcept {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

}  // namespace

std::optional<int64_t> parse_rfc3339_ms(std::string_view text) {
  unsigned year, month, day, hour, minute, second;
  if (!read_digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' || !read_digits(text, 5, 2, month) ||
      text[7] != '-' || !read_digits(text, 8, 2, day) || text[10] != 'T' || !read_digits(text, 11, 2, hour) ||
      text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' ||
      !read_digits(text, 17, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 59)
    return std::nullopt;
  std::size_t pos = 19;
  unsigned millis = 0;
  if (text[pos] == '.') {
    std::size_t digits = 0;
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + static_cast<unsigned>(text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits < 1 || digits > 9) return std::nullopt;
    for (std::size_t i = digits; i < 3; ++i) millis *= 10;
  }
  int64_t offset_minutes = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    unsigned oh, om;
    if (!read_digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_digits(text, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_minutes = (text[pos] == '+' ? 1 : -1) * static_cast<int64_t>(oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const int64_t days = days_from_civil(year, month, day);
  return days * kMsPerDay + ((hour * 60 + minute) * 60 + second) * int64_t{1000} + millis -
         offset_minutes * 60'000;
}

char* write_timestamp(char* out, int64_t ms, TimestampForm form, uint32_t sub_millis) noexcept {
  int64_t offset_minutes = 0;
  if (form == TimestampForm::millis_plus_2) offset_minutes = 120;
  if (form == TimestampForm::millis_minus_5_30) offset_minutes = -330;
  if (ms < 0) ms = 0;
  if (ms + offset_minutes * 60'000 < 0) {  // before the epoch in local time: write it in UTC
    form = TimestampForm::millis_utc;
    offset_minutes = 0;
  }
  const int64_t local = ms + offset_minutes * 60'000;
  const int64_t days = local / kMsPerDay;
  const int64_t in_day = local % kMsPerDay;
  const Date date = civil_from_days(days);
  out = put_digits(out, static_cast<uint64_t>(date.year), 4);
  *out++ = '-';
  out = put_digits(out, date.month, 2);
  *out++ = '-';
  out = put_digits(out, date.day, 2);
  *out++ = 'T';
  const int64_t seconds = in_day / 1000;
  out = put_digits(out, static_cast<uint64_t>(seconds / 3600), 2);
  *out++ = ':';
  out = put_digits(out, static_cast<uint64_t>(seconds / 60 % 60), 2);
  *out++ = ':';
  out = put_digits(out, static_cast<uint64_t>(seconds % 60), 2);
  const uint64_t millis = static_cast<uint64_t>(in_day % 1000);
  switch (form) {
    case TimestampForm::seconds_utc:
      break;
    case TimestampForm::micros_utc:
      *out++ = '.';
      out = put_digits(out, millis * 1000 + sub_millis % 1000, 6);
      break;
    case TimestampForm::nanos_utc:
      *out++ = '.';
      out = put_digits(out, millis * 1'000'000 + sub_millis % 1'000'000, 9);
      break;
    default:
      *out++ = '.';
      out = put_digits(out, millis, 3);
      break;
  }
  if (offset_minutes == 0) {
    *out++ = 'Z';
    return out;
  }
  const uint64_t abs_minutes = static_cast<uint64_t>(offset_minutes < 0 ? -offset_minutes : offset_minutes);
  *out++ = offset_minutes < 0 ? '-' : '+';
  out = put_digits(out, abs_minutes / 60, 2);
  *out++ = ':';
  return put_digits(out, abs_minutes % 60, 2);
}

}  // namespace sluice::plugins::generate
