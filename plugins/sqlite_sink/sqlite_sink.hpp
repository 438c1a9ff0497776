// The sqlite_sink stage: records (or dead letters) as rows of a SQLite table.
#pragma once

#include "sqlite_database.hpp"
#include "table_spec.hpp"

#include <sluice/sdk.hpp>

#include <cstdint>
#include <string>

namespace sluice::plugins::sqlite_sink {

// Writes each batch in one transaction: every alive record (SinkRole::records) as a row of
// the configured columns, or every dead record (SinkRole::dead_letters) as a row of the fixed
// dead-letter columns. A row SQLite refuses (a NOT NULL column without a value, a duplicate
// key under mode: insert) rolls the whole batch back and write() throws std::runtime_error
// with SQLite's message; the host then dead-letters the batch or stops. Serial: write() is
// called one batch at a time.
class SqliteSink final : public sdk::Sink {
 public:
  // Validates the config and the generated SQL (against an in-memory database); opens nothing.
  void init(const sdk::InitContext& ctx) override;
  // Opens the database, applies the PRAGMAs, creates the table if needed, prepares the insert.
  void start() override;
  void stop() override;
  void write(const sdk::Batch& batch) override;

  // Batches committed since start() (for tests and metrics).
  uint64_t transactions_committed() const noexcept { return transactions_; }

 private:
  [[noreturn]] void fail_record(const sdk::Record& record, const std::string& message);

  std::string path_;
  TableSpec spec_;
  sdk::SinkRole role_ = sdk::SinkRole::records;
  std::string synchronous_ = "NORMAL";
  std::string journal_mode_ = "WAL";
  int busy_timeout_ms_ = 5000;
  std::string create_sql_;
  std::string insert_sql_;

  // Declared before the statements: they are destroyed first.
  SqliteDatabase db_;
  SqliteStatement insert_;
  SqliteStatement begin_;
  SqliteStatement commit_;
  SqliteStatement rollback_;
  uint64_t transactions_ = 0;
};

}  // namespace sluice::plugins::sqlite_sink
