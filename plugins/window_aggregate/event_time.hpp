// Event time: reading a record's timestamp and the window it falls in.
#pragma once

#include "aggregate_spec.hpp"

#include <boost/json/value.hpp>

#include <cmath>
#include <cstdint>

namespace sluice::plugins::window_aggregate {

enum class TimestampStatus { ok, missing, not_a_number, not_integral, out_of_range };

// Reads an integral millisecond timestamp from an int64, a uint64, or a double with an
// integral value (1.7641152e12 from an exponent literal). Accepts |t| <= 2^62 so that
// window arithmetic cannot overflow; v == nullptr means the field is absent.
inline TimestampStatus read_timestamp(const boost::json::value* v, int64_t& ts) noexcept {
  if (v == nullptr) return TimestampStatus::missing;
  switch (v->kind()) {
    case boost::json::kind::int64: ts = v->get_int64(); break;
    case boost::json::kind::uint64:
      if (v->get_uint64() > static_cast<uint64_t>(kMaxTimestampMagnitude)) return TimestampStatus::out_of_range;
      ts = static_cast<int64_t>(v->get_uint64());
      break;
    case boost::json::kind::double_: {
      const double d = v->get_double();
      if (!std::isfinite(d) || std::trunc(d) != d) return TimestampStatus::not_integral;
      if (std::fabs(d) > static_cast<double>(kMaxTimestampMagnitude)) return TimestampStatus::out_of_range;
      ts = static_cast<int64_t>(d);
      break;
    }
    default: return TimestampStatus::not_a_number;
  }
  if (ts > kMaxTimestampMagnitude || ts < -kMaxTimestampMagnitude) return TimestampStatus::out_of_range;
  return TimestampStatus::ok;
}

// floor(ts / window_ms) * window_ms, rounding towards minus infinity for negative ts.
inline int64_t window_start_of(int64_t ts, int64_t window_ms) noexcept {
  int64_t q = ts / window_ms;
  if (ts % window_ms < 0) --q;
  return q * window_ms;
}

}  // namespace sluice::plugins::window_aggregate
