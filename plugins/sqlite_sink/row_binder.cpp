#include "row_binder.hpp"

#include <boost/json/serialize.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

namespace sluice::plugins::sqlite_sink {
namespace {

// Views stay valid until the statement is reset: the batch outlives the write() call.
// An empty view may have no data pointer, which SQLite would bind as NULL instead of ''.
int bind_text(sqlite3_stmt* stmt, int index, std::string_view s) {
  return sqlite3_bind_text64(stmt, index, s.data() != nullptr ? s.data() : "", s.size(), SQLITE_STATIC,
                             SQLITE_UTF8);
}

int bind_double_as(sqlite3_stmt* stmt, int index, ColumnType type, double d) {
  // 2^63 is the first double past int64's range.
  if (type == ColumnType::integer && std::isfinite(d) && d == std::trunc(d) && d >= -9223372036854775808.0 &&
      d < 9223372036854775808.0)
    return sqlite3_bind_int64(stmt, index, static_cast<sqlite3_int64>(d));
  return sqlite3_bind_double(stmt, index, d);
}

}  // namespace

int bind_value(sqlite3_stmt* stmt, int index, ColumnType type, const boost::json::value* value) {
  if (value == nullptr) return sqlite3_bind_null(stmt, index);
  switch (value->kind()) {
    case boost::json::kind::null:
      return sqlite3_bind_null(stmt, index);
    case boost::json::kind::bool_:
      if (type == ColumnType::real) return sqlite3_bind_double(stmt, index, value->get_bool() ? 1.0 : 0.0);
      return sqlite3_bind_int(stmt, index, value->get_bool() ? 1 : 0);
    case boost::json::kind::int64:
      if (type == ColumnType::real) return sqlite3_bind_double(stmt, index, static_cast<double>(value->get_int64()));
      return sqlite3_bind_int64(stmt, index, value->get_int64());
    case boost::json::kind::uint64: {
      const uint64_t u = value->get_uint64();
      if (type != ColumnType::real && u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return sqlite3_bind_int64(stmt, index, static_cast<sqlite3_int64>(u));
      return sqlite3_bind_double(stmt, index, static_cast<double>(u));  // SQLite has no unsigned 64-bit
    }
    case boost::json::kind::double_:
      return bind_double_as(stmt, index, type, value->get_double());
    case boost::json::kind::string: {
      const boost::json::string& s = value->get_string();
      if (type == ColumnType::blob)
        return s.empty() ? sqlite3_bind_zeroblob(stmt, index, 0)
                         : sqlite3_bind_blob64(stmt, index, s.data(), s.size(), SQLITE_STATIC);
      return bind_text(stmt, index, std::string_view(s.data(), s.size()));
    }
    case boost::json::kind::array:
    case boost::json::kind::object: {
      const std::string text = boost::json::serialize(*value);
      return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
  }
  return sqlite3_bind_null(stmt, index);
}

int bind_record(sqlite3_stmt* stmt, const TableSpec& spec, const sdk::Record& record) {
  for (std::size_t i = 0; i < spec.columns.size(); ++i) {
    const ColumnSpec& column = spec.columns[i];
    const int rc = bind_value(stmt, static_cast<int>(i + 1), column.type, find_field(record.value, column.field));
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

int bind_dead_letter(sqlite3_stmt* stmt, const sdk::Record& record) {
  const sdk::DeadLetter empty{};
  const sdk::DeadLetter& dead = record.dead != nullptr ? *record.dead : empty;
  int rc = bind_text(stmt, 1, dead.reason);
  if (rc == SQLITE_OK) rc = bind_text(stmt, 2, dead.stage);
  if (rc == SQLITE_OK) rc = bind_text(stmt, 3, dead.detail);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 4, static_cast<sqlite3_int64>(record.line));
  if (rc == SQLITE_OK) rc = bind_text(stmt, 5, record.raw);
  return rc;
}

}  // namespace sluice::plugins::sqlite_sink
