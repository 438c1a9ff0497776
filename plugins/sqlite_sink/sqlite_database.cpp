#include "sqlite_database.hpp"

#include <stdexcept>

namespace sluice::plugins::sqlite_sink {

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    reset_handle();
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

void SqliteStatement::reset_handle() noexcept {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
  stmt_ = nullptr;
}

void SqliteDatabase::open(const std::string& path, const std::string& label) {
  close();
  label_ = label;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    close();
    throw std::runtime_error("sqlite_sink: " + label_ + ": cannot open: " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

void SqliteDatabase::close() noexcept {
  if (db_ != nullptr) sqlite3_close_v2(db_);
  db_ = nullptr;
}

void SqliteDatabase::exec(const std::string& sql, const std::string& what) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw std::runtime_error("sqlite_sink: " + label_ + ": " + what + ": " + message);
  }
}

SqliteStatement SqliteDatabase::prepare(const std::string& sql, const std::string& what) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                         nullptr) != SQLITE_OK)
    fail(what);
  return SqliteStatement(stmt);
}

void SqliteDatabase::step_once(const SqliteStatement& stmt, const std::string& what) {
  const int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
    sqlite3_reset(stmt.get());
    return;
  }
  const std::string message = sqlite3_errmsg(db_);
  sqlite3_reset(stmt.get());
  throw std::runtime_error("sqlite_sink: " + label_ + ": " + what + ": " + message);
}

void SqliteDatabase::fail(const std::string& what) const {
  throw std::runtime_error("sqlite_sink: " + label_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

}  // namespace sluice::plugins::sqlite_sink
