#include "table_spec.hpp"

#include <algorithm>
#include <cctype>

namespace sluice::plugins::sqlite_sink {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// SQLite compares identifiers without regard to ASCII case.
bool same_identifier(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

const char* type_name(ColumnType type) {
  switch (type) {
    case ColumnType::integer: return "INTEGER";
    case ColumnType::real: return "REAL";
    case ColumnType::text: return "TEXT";
    case ColumnType::blob: return "BLOB";
  }
  return "TEXT";
}

// "/a/b~1c" (JSON Pointer) or "a.b" (dotted) into keys.
std::vector<std::string> parse_field_path(const sdk::ConfigNode& node) {
  const std::string text = node.as_string();
  std::vector<std::string> keys;
  if (text.empty()) node.fail("field must not be empty");
  if (text[0] == '/') {
    std::size_t pos = 1;
    for (;;) {
      const std::size_t slash = text.find('/', pos);
      std::string token = text.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
      std::string key;
      for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] != '~') {
          key += token[i];
        } else if (i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
          key += token[++i] == '0' ? '~' : '/';
        } else {
          node.fail("invalid JSON Pointer '" + text + "': '~' must be followed by 0 or 1");
        }
      }
      keys.push_back(std::move(key));
      if (slash == std::string::npos) break;
      pos = slash + 1;
    }
    return keys;
  }
  std::size_t pos = 0;
  for (;;) {
    const std::size_t dot = text.find('.', pos);
    std::string key = text.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (key.empty()) node.fail("invalid field path '" + text + "'", "use a.b.c, or a JSON Pointer /a/b/c");
    keys.push_back(std::move(key));
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return keys;
}

ColumnSpec parse_column(const sdk::ConfigNode& node) {
  if (!node.is_map()) node.fail("a column is a map {name, type, not_null, field}, found " + node.type_name());
  for (const auto& entry : node.entries()) {
    if (entry.key != "name" && entry.key != "type" && entry.key != "not_null" && entry.key != "field")
      throw sdk::ConfigError(entry.key_mark, "unknown column key '" + entry.key + "'",
                             "a column has name, type, not_null and field");
  }
  ColumnSpec column;
  const sdk::ConfigNode& name = node.at("name");
  column.name = name.as_string();
  if (column.name.empty()) name.fail("column name must not be empty");
  const sdk::ConfigNode& type = node.at("type");
  const std::string type_text = upper(type.as_string());
  if (type_text == "INTEGER")
    column.type = ColumnType::integer;
  else if (type_text == "REAL")
    column.type = ColumnType::real;
  else if (type_text == "TEXT")
    column.type = ColumnType::text;
  else if (type_text == "BLOB")
    column.type = ColumnType::blob;
  else
    type.fail("unknown column type '" + type.as_string() + "'", "use INTEGER, REAL, TEXT or BLOB");
  column.not_null = node.get_bool("not_null", true);
  const sdk::ConfigNode* field = node.find("field");
  column.field = field && !field->is_null() ? parse_field_path(*field) : std::vector<std::string>{column.name};
  return column;
}

std::string required_table(const sdk::ConfigNode& config) {
  const sdk::ConfigNode* table = config.find("table");
  if (table == nullptr || table->is_null()) config.fail("sqlite_sink needs a `table`", "table: metrics");
  std::string name = table->as_string();
  if (name.empty()) table->fail("table must not be empty");
  return name;
}

}  // namespace

TableSpec parse_table_spec(const sdk::ConfigNode& config) {
  TableSpec spec;
  spec.table = required_table(config);

  const sdk::ConfigNode* columns = config.find("columns");
  if (columns == nullptr || columns->is_null())
    config.fail("sqlite_sink needs `columns`", "columns: [{name: id, type: TEXT}, ...]");
  if (columns->items().empty()) columns->fail("columns must not be empty");
  for (const sdk::ConfigNode& item : columns->items()) {
    ColumnSpec column = parse_column(item);
    for (const ColumnSpec& other : spec.columns)
      if (same_identifier(other.name, column.name)) item.at("name").fail("duplicate column '" + column.name + "'");
    spec.columns.push_back(std::move(column));
  }

  const sdk::ConfigNode* key = config.find("key");
  if (key != nullptr && !key->is_null()) {
    for (const sdk::ConfigNode& item : key->items()) {
      const std::string name = item.as_string();
      const auto column = std::find_if(spec.columns.begin(), spec.columns.end(),
                                       [&](const ColumnSpec& c) { return same_identifier(c.name, name); });
      if (column == spec.columns.end()) item.fail("key column '" + name + "' is not among the columns");
      for (const std::string& k : spec.key)
        if (same_identifier(k, name)) item.fail("key column '" + name + "' is listed twice");
      spec.key.push_back(column->name);
    }
  }

  spec.mode = spec.key.empty() ? WriteMode::insert : WriteMode::upsert;
  if (const sdk::ConfigNode* mode = config.find("mode"); mode != nullptr && !mode->is_null()) {
    const std::string text = mode->as_string();
    if (text == "upsert")
      spec.mode = WriteMode::upsert;
    else if (text == "insert")
      spec.mode = WriteMode::insert;
    else if (text == "replace")
      spec.mode = WriteMode::replace;
    else
      mode->fail("mode must be upsert, insert or replace, found '" + text + "'");
    if (spec.mode == WriteMode::upsert && spec.key.empty())
      mode->fail("mode: upsert needs a key", "key: [column, ...] names the primary key to upsert on");
  }
  return spec;
}

TableSpec parse_dead_letter_table_spec(const sdk::ConfigNode& config) {
  TableSpec spec;
  spec.table = required_table(config);
  for (const char* fixed : {"columns", "key"}) {
    if (const sdk::ConfigNode* n = config.find(fixed); n != nullptr && !n->is_null())
      n->fail(std::string("`") + fixed + "` does not apply to a dead-letter table",
              "its columns are fixed: reason, stage, detail, line, raw");
  }
  auto column = [](const char* name, ColumnType type) {
    return ColumnSpec{name, type, true, {name}};
  };
  spec.columns = {column("reason", ColumnType::text), column("stage", ColumnType::text),
                  column("detail", ColumnType::text), column("line", ColumnType::integer),
                  column("raw", ColumnType::text)};
  spec.mode = WriteMode::insert;
  return spec;
}

std::string quote_identifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string create_table_sql(const TableSpec& spec) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + quote_identifier(spec.table) + " (";
  for (std::size_t i = 0; i < spec.columns.size(); ++i) {
    const ColumnSpec& c = spec.columns[i];
    if (i > 0) sql += ", ";
    sql += quote_identifier(c.name) + " " + type_name(c.type);
    if (c.not_null) sql += " NOT NULL";
  }
  if (!spec.key.empty()) {
    sql += ", PRIMARY KEY (";
    for (std::size_t i = 0; i < spec.key.size(); ++i) sql += (i > 0 ? ", " : "") + quote_identifier(spec.key[i]);
    sql += ")";
  }
  sql += ")";
  return sql;
}

std::string insert_sql(const TableSpec& spec) {
  std::string sql = spec.mode == WriteMode::replace ? "INSERT OR REPLACE INTO " : "INSERT INTO ";
  sql += quote_identifier(spec.table) + " (";
  std::string values;
  for (std::size_t i = 0; i < spec.columns.size(); ++i) {
    sql += (i > 0 ? ", " : "") + quote_identifier(spec.columns[i].name);
    values += (i > 0 ? ", ?" : "?") + std::to_string(i + 1);
  }
  sql += ") VALUES (" + values + ")";
  if (spec.mode != WriteMode::upsert) return sql;

  sql += " ON CONFLICT (";
  for (std::size_t i = 0; i < spec.key.size(); ++i) sql += (i > 0 ? ", " : "") + quote_identifier(spec.key[i]);
  sql += ")";
  std::string updates;
  for (const ColumnSpec& c : spec.columns) {
    const bool in_key = std::any_of(spec.key.begin(), spec.key.end(),
                                    [&](const std::string& k) { return same_identifier(k, c.name); });
    if (in_key) continue;
    const std::string q = quote_identifier(c.name);
    updates += (updates.empty() ? "" : ", ") + q + " = excluded." + q;
  }
  sql += updates.empty() ? " DO NOTHING" : " DO UPDATE SET " + updates;
  return sql;
}

const boost::json::value* find_field(const boost::json::value& record, const std::vector<std::string>& path) {
  const boost::json::value* v = &record;
  for (const std::string& key : path) {
    const boost::json::object* object = v->if_object();
    if (object == nullptr) return nullptr;
    v = object->if_contains(key);
    if (v == nullptr) return nullptr;
  }
  return v;
}

}  // namespace sluice::plugins::sqlite_sink
