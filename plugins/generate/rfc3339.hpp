// RFC 3339 timestamps as the reference workload writes them: parsing the generator's
// start_time and writing event times in several equivalent forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::plugins::generate {

// Parses YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM) (upper-case T and Z, 1 to 9 fraction digits,
// truncated to milliseconds) into milliseconds since the Unix epoch; nullopt when malformed
// or out of range.
std::optional<int64_t> parse_rfc3339_ms(std::string_view text);

// How an event time is written; all forms denote the same instant up to their precision.
enum class TimestampForm : uint8_t {
  millis_utc,      // 2026-11-26T10:15:00.123Z
  seconds_utc,     // 2026-11-26T10:15:00Z (milliseconds dropped)
  micros_utc,      // 2026-11-26T10:15:00.123456Z
  nanos_utc,       // 2026-11-26T10:15:00.123456789Z
  millis_plus_2,   // 2026-11-26T12:15:00.123+02:00
  millis_minus_5_30,  // 2026-11-26T04:45:00.123-05:30
};

// Longest text write_timestamp produces.
inline constexpr std::size_t kMaxTimestampBytes = 35;

// Writes `ms` (>= 0) in `form` at `out`; sub_millis (0..999999) fills the digits past the
// milliseconds in the micro and nano forms. Returns the end of what was written.
char* write_timestamp(char* out, int64_t ms, TimestampForm form, uint32_t sub_millis) noexcept;

}  // namespace sluice::plugins::generate
