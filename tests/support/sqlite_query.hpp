// Reading SQLite files in tests: one statement's rows, each column as SQLite's text of it.
#pragma once

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

namespace sluice::test_support {

using SqliteRows = std::vector<std::vector<std::string>>;

// Runs `sql` on the SQLite file at `path` (created if missing) and returns the rows it gives,
// each column as text, "NULL" for a null. Fails the test when the file or the statement is bad.
inline SqliteRows sqlite_query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  SqliteRows rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* text = sqlite3_column_text(stmt, i);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

}  // namespace sluice::test_support
