// Thin owners of a SQLite connection and its prepared statements; failures throw
// std::runtime_error carrying SQLite's own message.
#pragma once

#include <sqlite3.h>

#include <string>

namespace sluice::plugins::sqlite_sink {

// A prepared statement, finalized on destruction. Move-only.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  explicit SqliteStatement(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() { reset_handle(); }

  sqlite3_stmt* get() const noexcept { return stmt_; }
  explicit operator bool() const noexcept { return stmt_ != nullptr; }

 private:
  void reset_handle() noexcept;
  sqlite3_stmt* stmt_ = nullptr;
};

// A connection, closed on destruction. Statements it prepared must be destroyed first.
// `label` (the file, say) prefixes error messages. Not thread-safe.
class SqliteDatabase {
 public:
  SqliteDatabase() = default;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;
  ~SqliteDatabase() { close(); }

  // Opens (creating it if needed) the database at `path`.
  void open(const std::string& path, const std::string& label);
  void close() noexcept;
  bool is_open() const noexcept { return db_ != nullptr; }

  // Runs SQL that returns no rows of interest (PRAGMA, CREATE TABLE, BEGIN, ...).
  void exec(const std::string& sql, const std::string& what);
  SqliteStatement prepare(const std::string& sql, const std::string& what);
  // Runs a statement without parameters to completion and resets it.
  void step_once(const SqliteStatement& stmt, const std::string& what);

  // Throws "sqlite_sink: <label>: <what>: <SQLite message>".
  [[noreturn]] void fail(const std::string& what) const;
  sqlite3* get() const noexcept { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string label_;
};

}  // namespace sluice::plugins::sqlite_sink
