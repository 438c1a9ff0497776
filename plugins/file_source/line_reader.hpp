// Splits a byte stream into input lines, one batch at a time, by the reference input rules.
#pragma once

#include <sluice/sdk/batch.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::plugins::file_source {

struct LineReaderOptions {
  uint32_t batch_size = 4096;
  // A line whose raw text is longer is kept only in part and dead-lettered as `too_large`.
  uint64_t max_line_bytes = 16u << 20;
  // The largest single read(2).
  std::size_t read_block_bytes = 1u << 20;
};

// Reads lines from a file descriptor it does not own. Rules: a line ends at '\n' (a last line
// without one is still a line); raw excludes the '\n' and one '\r' just before it; lines that
// are empty or hold only spaces, tabs and '\r' are no records but count for line numbers
// (1-based). Not thread-safe: one fill() at a time.
class LineReader {
 public:
  // `path` only names the input in error messages. With `may_block` (pipes, terminals), fill()
  // returns the records it has rather than wait for more input.
  LineReader(int fd, std::string path, LineReaderOptions options, bool may_block);

  // Appends up to batch_size records to `batch`: fills batch.input() first, then adds the
  // records viewing it, so their raw views stay valid for the batch's life. Lines longer than
  // max_line_bytes are added with their first bytes (in the arena) and dead-lettered at once.
  // Returns false once the input is exhausted (records added by that call still count).
  // Throws std::runtime_error on a read error.
  bool fill(sdk::Batch& batch);

  uint64_t bytes_read() const noexcept { return bytes_read_; }
  // Input bytes up to the end of the last line handed out.
  uint64_t bytes_consumed() const noexcept { return bytes_read_ - carry_.size(); }

 private:
  // A record found while filling the input, turned into a Record once the input is final.
  struct PendingLine {
    const char* arena_raw;  // non-null for a too-large line: its kept prefix, in the arena
    std::size_t offset;     // else: where raw starts in batch.input()
    std::size_t size;       // raw size (kept prefix size for a too-large line)
    uint64_t line;
    uint64_t full_size;  // a too-large line's raw size
  };

  void finish_line(sdk::Batch& batch, const std::string& in, std::size_t begin, std::size_t end,
                   bool had_newline);
  void skip_too_large_line(sdk::Batch& batch, std::string& in, std::size_t line_start);
  void add_too_large(sdk::Batch& batch, std::string_view prefix_source, uint64_t full_size, uint64_t line);
  // Appends one read to `in`; returns the bytes read (0 at end of input).
  std::size_t read_block(std::string& in, std::size_t wanted);
  std::size_t next_read_size(std::size_t records_missing) const;
  bool input_ready() const;

  int fd_;
  std::string path_;
  LineReaderOptions options_;
  bool may_block_;
  bool eof_ = false;
  uint64_t next_line_ = 1;
  uint64_t bytes_read_ = 0;
  uint64_t lines_seen_ = 0;
  std::string carry_;  // bytes read past the last line of the previous batch
  std::vector<PendingLine> pending_;
};

}  // namespace sluice::plugins::file_source
