// The sqlite_sink table: columns, key and write mode read from the config, and the SQL
// (CREATE TABLE, INSERT/UPSERT) generated from them.
#pragma once

#include <sluice/sdk.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::sqlite_sink {

enum class ColumnType { integer, real, text, blob };
enum class WriteMode { upsert, insert, replace };

struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::text;
  bool not_null = true;
  // Where the value is in a record: keys from the root (a dotted path or a JSON Pointer).
  std::vector<std::string> field;
};

struct TableSpec {
  std::string table;
  std::vector<ColumnSpec> columns;
  std::vector<std::string> key;  // PRIMARY KEY columns, in order
  WriteMode mode = WriteMode::insert;
};

// Reads table, columns, key and mode for the records output; a problem is a ConfigError at
// the offending node.
TableSpec parse_table_spec(const sdk::ConfigNode& config);
// The fixed dead-letter table: reason, stage, detail, line, raw (all NOT NULL), inserted.
// Rejects `columns` and `key`, which do not apply to it.
TableSpec parse_dead_letter_table_spec(const sdk::ConfigNode& config);

// "name" with embedded quotes doubled.
std::string quote_identifier(std::string_view name);
std::string create_table_sql(const TableSpec& spec);
// One row, parameters ?1..?N in column order.
std::string insert_sql(const TableSpec& spec);

// The value at `path` in `record`, or nullptr where the path leaves the objects.
const boost::json::value* find_field(const boost::json::value& record, const std::vector<std::string>& path);

}  // namespace sluice::plugins::sqlite_sink
