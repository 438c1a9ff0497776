// Exact comparisons of JSON values as JSON Schema defines them: numbers compare by value
// whatever their representation (int64, uint64 or double), so 1 == 1.0 and a uint64 beyond
// 2^63 or a double beyond 2^64 is ordered correctly against any integer.
#pragma once

#include <boost/json/value.hpp>

namespace sluice::plugins::schema_validate {

enum class NumberOrder { less, equal, greater, unordered };

// The order of a against b. Both must be numbers (int64, uint64 or double); unordered only
// when a NaN is involved.
NumberOrder compare_numbers(const boost::json::value& a, const boost::json::value& b) noexcept;

// JSON equality: same type and same value, numbers by value, arrays element by element in
// order, objects by the same set of keys with equal values (member order ignored).
bool json_equal(const boost::json::value& a, const boost::json::value& b) noexcept;

// True for a number with no fractional part (every int64 and uint64, and finite doubles
// such as 3.0 or 1e3).
bool is_integral_number(const boost::json::value& v) noexcept;

}  // namespace sluice::plugins::schema_validate
