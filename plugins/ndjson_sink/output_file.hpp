// An output file descriptor written in large blocks: a path, or stdout for "-".
#pragma once

#include <string>
#include <string_view>

namespace sluice::plugins::ndjson_sink {

// Owns the descriptor it opened (never stdout). Errors throw std::runtime_error naming the
// path and the system error. Not thread-safe.
class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  // Creates or truncates `path` (appends with `append`); "-" is stdout.
  void open(const std::string& path, bool append);
  bool is_open() const noexcept { return fd_ >= 0; }
  // Writes all of `data`, retrying short writes.
  void write_all(std::string_view data);
  // Forces written data to the device (fdatasync); a no-op for pipes and terminals.
  void sync();
  // Closes the file; reports a failed close (which can mean lost data).
  void close();

 private:
  [[noreturn]] void fail(const char* what, int err) const;

  int fd_ = -1;
  bool owned_ = false;
  std::string path_;
};

}  // namespace sluice::plugins::ndjson_sink
