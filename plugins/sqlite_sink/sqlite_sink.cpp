#include "sqlite_sink.hpp"

#include "row_binder.hpp"

#include <array>
#include <cctype>
#include <stdexcept>

namespace sluice::plugins::sqlite_sink {
namespace {

// A PRAGMA value from a fixed list (never pasted into SQL unchecked); returns it upper-case.
std::string pragma_option(const sdk::ConfigNode& config, std::string_view key, std::string fallback,
                          std::initializer_list<std::string_view> allowed) {
  const sdk::ConfigNode* node = config.find(key);
  if (node == nullptr || node->is_null()) return fallback;
  std::string value = node->as_string();
  for (char& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view a : allowed)
    if (value == a) return value;
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  node->fail(std::string(key) + " must be one of " + list + ", found '" + node->as_string() + "'");
}

}  // namespace

void SqliteSink::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& config = ctx.config;
  role_ = ctx.sink_role;
  const sdk::ConfigNode* path = config.find("path");
  if (path == nullptr || path->is_null()) config.fail("sqlite_sink needs a `path`", "path: out/metrics.db");
  path_ = path->as_string();
  if (path_.empty()) path->fail("path must not be empty");
  spec_ = role_ == sdk::SinkRole::dead_letters ? parse_dead_letter_table_spec(config) : parse_table_spec(config);
  synchronous_ = pragma_option(config, "synchronous", "NORMAL", {"OFF", "NORMAL", "FULL", "EXTRA"});
  journal_mode_ =
      pragma_option(config, "journal_mode", "WAL", {"DELETE", "TRUNCATE", "PERSIST", "MEMORY", "WAL", "OFF"});
  if (const sdk::ConfigNode* n = config.find("busy_timeout_ms"); n != nullptr && !n->is_null()) {
    const int64_t value = n->as_int();
    if (value < 0 || value > 3'600'000) n->fail("busy_timeout_ms must be between 0 and 3600000");
    busy_timeout_ms_ = static_cast<int>(value);
  }
  create_sql_ = create_table_sql(spec_);
  insert_sql_ = insert_sql(spec_);
  // Field pruning: each column's field (dead letters are written from their reason and raw line).
  if (ctx.field_use != nullptr) {
    sdk::FieldSet reads;
    if (role_ == sdk::SinkRole::records)
      for (const ColumnSpec& c : spec_.columns) {
        if (c.field.empty()) reads.add_all();  // the pointer "": the whole record
        else reads.add(c.field.front());
      }
    ctx.field_use->reads(reads);
  }

  // Catch SQL problems now (also under `sluice check`), in a database that is no output.
  SqliteDatabase scratch;
  scratch.open(":memory:", "config check");
  scratch.exec(create_sql_, "cannot create table " + quote_identifier(spec_.table));
  SqliteStatement probe = scratch.prepare(insert_sql_, "cannot prepare the insert");
}

void SqliteSink::start() {
  stop();
  db_.open(path_, "'" + path_ + "'");
  sqlite3_busy_timeout(db_.get(), busy_timeout_ms_);
  // synchronous first: switching a new file to WAL then syncs only as much as asked for.
  db_.exec("PRAGMA synchronous = " + synchronous_, "cannot set synchronous");
  db_.exec("PRAGMA journal_mode = " + journal_mode_, "cannot set journal_mode");
  db_.exec(create_sql_, "cannot create table " + quote_identifier(spec_.table));
  insert_ = db_.prepare(insert_sql_, "cannot prepare the insert into " + quote_identifier(spec_.table));
  begin_ = db_.prepare("BEGIN IMMEDIATE", "cannot prepare BEGIN");
  commit_ = db_.prepare("COMMIT", "cannot prepare COMMIT");
  rollback_ = db_.prepare("ROLLBACK", "cannot prepare ROLLBACK");
  transactions_ = 0;
}

void SqliteSink::stop() {
  if (db_.is_open() && rollback_ && !sqlite3_get_autocommit(db_.get())) sqlite3_step(rollback_.get());
  insert_ = SqliteStatement();
  begin_ = SqliteStatement();
  commit_ = SqliteStatement();
  rollback_ = SqliteStatement();
  db_.close();
}

void SqliteSink::write(const sdk::Batch& batch) {
  if (!db_.is_open()) throw std::logic_error("sqlite_sink: write() called before start()");
  const sdk::Fate wanted = role_ == sdk::SinkRole::dead_letters ? sdk::Fate::dead : sdk::Fate::alive;
  bool in_transaction = false;
  sqlite3_stmt* insert = insert_.get();
  for (const sdk::Record& r : batch.records()) {
    if (r.fate != wanted) continue;
    if (!in_transaction) {
      db_.step_once(begin_, "cannot begin a transaction");
      in_transaction = true;
    }
    const int bound = role_ == sdk::SinkRole::dead_letters ? bind_dead_letter(insert, r)
                                                            : bind_record(insert, spec_, r);
    if (bound != SQLITE_OK) fail_record(r, sqlite3_errstr(bound));
    if (sqlite3_step(insert) != SQLITE_DONE) fail_record(r, sqlite3_errmsg(db_.get()));
    sqlite3_reset(insert);
  }
  if (!in_transaction) return;
  sqlite3_clear_bindings(insert);  // no views into this batch outlive it
  try {
    db_.step_once(commit_, "cannot commit");
  } catch (...) {
    sqlite3_step(rollback_.get());
    sqlite3_reset(rollback_.get());
    throw;
  }
  ++transactions_;
}

void SqliteSink::fail_record(const sdk::Record& record, const std::string& message) {
  const std::string text = "sqlite_sink: '" + path_ + "': cannot write the record of line " +
                           std::to_string(record.line) + " into " + quote_identifier(spec_.table) + ": " + message;
  sqlite3_reset(insert_.get());
  sqlite3_clear_bindings(insert_.get());
  sqlite3_step(rollback_.get());
  sqlite3_reset(rollback_.get());
  throw std::runtime_error(text);
}

}  // namespace sluice::plugins::sqlite_sink
