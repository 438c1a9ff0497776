// The file_source stage: NDJSON lines from a file or stdin, as raw records for a parse stage.
#pragma once

#include "line_reader.hpp"

#include <sluice/sdk.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace sluice::plugins::file_source {

// Reads `path` ("-" = stdin) line by line into batches of raw records (values stay null).
// init() only reads the config; the file is opened in start() and closed in stop().
// next() is called from one thread at a time (a Source contract).
class FileSource final : public sdk::Source {
 public:
  FileSource() = default;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  ~FileSource() override;

  void init(const sdk::InitContext& ctx) override;
  // Throws std::runtime_error naming the path and the system error when it cannot be read.
  void start() override;
  void stop() override;
  bool next(sdk::Batch& batch) override;
  // Bytes handed out so far, of the file's size (0 = unknown: stdin, pipes).
  sdk::Progress progress() const override;

 private:
  void close_input() noexcept;

  std::string path_;
  LineReaderOptions options_;
  int fd_ = -1;
  bool owns_fd_ = false;
  uint64_t total_bytes_ = 0;
  std::optional<LineReader> reader_;
};

}  // namespace sluice::plugins::file_source
