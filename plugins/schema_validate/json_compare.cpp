#include "json_compare.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cmath>
#include <cstdint>

namespace sluice::plugins::schema_validate {
namespace {

namespace json = boost::json;

// 2^63 and 2^64 are exact doubles; every double in [-2^63, 2^63) truncates to an int64.
constexpr double kTwoPow63 = 9223372036854775808.0;
constexpr double kTwoPow64 = 18446744073709551616.0;

template <class T>
NumberOrder order_of(T a, T b) noexcept {
  return a < b ? NumberOrder::less : (b < a ? NumberOrder::greater : NumberOrder::equal);
}

// After the integral parts compared equal, the fraction of d decides.
NumberOrder order_by_fraction(double d, double truncated) noexcept {
  double fraction = d - truncated;
  if (fraction > 0) return NumberOrder::less;
  if (fraction < 0) return NumberOrder::greater;
  return NumberOrder::equal;
}

NumberOrder compare_int64_double(int64_t i, double d) noexcept {
  if (std::isnan(d)) return NumberOrder::unordered;
  if (d >= kTwoPow63) return NumberOrder::less;
  if (d < -kTwoPow63) return NumberOrder::greater;
  double truncated = std::trunc(d);
  NumberOrder o = order_of(i, static_cast<int64_t>(truncated));
  return o != NumberOrder::equal ? o : order_by_fraction(d, truncated);
}

NumberOrder compare_uint64_double(uint64_t u, double d) noexcept {
  if (std::isnan(d)) return NumberOrder::unordered;
  if (d >= kTwoPow64) return NumberOrder::less;
  if (d < 0) return NumberOrder::greater;
  double truncated = std::trunc(d);
  NumberOrder o = order_of(u, static_cast<uint64_t>(truncated));
  return o != NumberOrder::equal ? o : order_by_fraction(d, truncated);
}

NumberOrder compare_int64_uint64(int64_t i, uint64_t u) noexcept {
  if (i < 0) return NumberOrder::less;
  return order_of(static_cast<uint64_t>(i), u);
}

NumberOrder reversed(NumberOrder o) noexcept {
  if (o == NumberOrder::less) return NumberOrder::greater;
  if (o == NumberOrder::greater) return NumberOrder::less;
  return o;
}

bool is_number(const json::value& v) noexcept { return v.is_int64() || v.is_uint64() || v.is_double(); }

}  // namespace

NumberOrder compare_numbers(const json::value& a, const json::value& b) noexcept {
  switch (a.kind()) {
    case json::kind::int64:
      if (b.is_int64()) return order_of(a.get_int64(), b.get_int64());
      if (b.is_uint64()) return compare_int64_uint64(a.get_int64(), b.get_uint64());
      return compare_int64_double(a.get_int64(), b.get_double());
    case json::kind::uint64:
      if (b.is_uint64()) return order_of(a.get_uint64(), b.get_uint64());
      if (b.is_int64()) return reversed(compare_int64_uint64(b.get_int64(), a.get_uint64()));
      return compare_uint64_double(a.get_uint64(), b.get_double());
    default: {
      double d = a.get_double();
      if (b.is_int64()) return reversed(compare_int64_double(b.get_int64(), d));
      if (b.is_uint64()) return reversed(compare_uint64_double(b.get_uint64(), d));
      double e = b.get_double();
      if (std::isnan(d) || std::isnan(e)) return NumberOrder::unordered;
      return order_of(d, e);
    }
  }
}

bool json_equal(const json::value& a, const json::value& b) noexcept {
  if (is_number(a)) return is_number(b) && compare_numbers(a, b) == NumberOrder::equal;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::null:
      return true;
    case json::kind::bool_:
      return a.get_bool() == b.get_bool();
    case json::kind::string:
      return a.get_string() == b.get_string();
    case json::kind::array: {
      const json::array& x = a.get_array();
      const json::array& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!json_equal(x[i], y[i])) return false;
      return true;
    }
    case json::kind::object: {
      const json::object& x = a.get_object();
      const json::object& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const json::key_value_pair& member : x) {
        const json::value* other = y.if_contains(member.key());
        if (!other || !json_equal(member.value(), *other)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

bool is_integral_number(const json::value& v) noexcept {
  if (v.is_int64() || v.is_uint64()) return true;
  if (!v.is_double()) return false;
  double d = v.get_double();
  return std::isfinite(d) && std::trunc(d) == d;
}

}  // namespace sluice::plugins::schema_validate
