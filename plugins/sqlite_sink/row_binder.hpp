// Binds one record to the parameters of the sink's prepared INSERT.
#pragma once

#include "table_spec.hpp"

#include <sluice/sdk/batch.hpp>

#include <sqlite3.h>

#include <string>

namespace sluice::plugins::sqlite_sink {

// Binds parameter `index` (1-based) from `value` for a column of `type`. Absent and null
// values bind NULL (a NOT NULL column then fails the statement). Integers bind as REAL in
// REAL columns; integral doubles bind as integers in INTEGER columns; booleans bind as 0/1;
// strings bind as TEXT (BLOB in BLOB columns); arrays and objects bind as their JSON text.
// Returns SQLite's result code.
int bind_value(sqlite3_stmt* stmt, int index, ColumnType type, const boost::json::value* value);

// Binds every column of `spec` from the record's value (records output).
int bind_record(sqlite3_stmt* stmt, const TableSpec& spec, const sdk::Record& record);
// Binds reason, stage, detail, line and raw of a dead record (dead-letter output).
int bind_dead_letter(sqlite3_stmt* stmt, const sdk::Record& record);

}  // namespace sluice::plugins::sqlite_sink
