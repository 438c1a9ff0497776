#include "line_reader.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace sluice::plugins::file_source {
namespace {

// How much of a too-large line is kept as its raw text (at most max_line_bytes).
constexpr std::size_t kKeptPrefixBytes = 4096;
// Reads are sized to what the batch still needs, but not below this (nor above the block).
constexpr std::size_t kMinReadBytes = 16 * 1024;

// Empty, or only spaces, tabs and '\r': not a record.
inline bool is_blank(const char* p, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const char c = p[i];
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

LineReader::LineReader(int fd, std::string path, LineReaderOptions options, bool may_block)
    : fd_(fd), path_(std::move(path)), options_(options), may_block_(may_block) {
  pending_.reserve(options_.batch_size);
}

bool LineReader::fill(sdk::Batch& batch) {
  std::string& in = batch.input();
  pending_.clear();
  const std::size_t estimate = next_read_size(options_.batch_size);
  in.reserve(in.size() + carry_.size() + estimate + options_.read_block_bytes);
  std::size_t line_start = in.size();
  in.append(carry_);
  std::size_t scan = line_start;

  // Phase 1: read and split until the batch is full, building the input buffer completely.
  for (;;) {
    while (pending_.size() < options_.batch_size) {
      const char* data = in.data();
      const void* nl = std::memchr(data + scan, '\n', in.size() - scan);
      if (nl == nullptr) {
        scan = in.size();
        break;
      }
      const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - data);
      finish_line(batch, in, line_start, end, true);
      line_start = scan = end + 1;
    }
    if (pending_.size() >= options_.batch_size) break;
    // One '\r' may still be stripped, hence the + 1.
    if (in.size() - line_start > options_.max_line_bytes + 1) {
      skip_too_large_line(batch, in, line_start);
      scan = line_start;
      continue;
    }
    if (eof_) {
      if (line_start < in.size()) {
        finish_line(batch, in, line_start, in.size(), false);
        line_start = in.size();
      }
      break;
    }
    // From a pipe or terminal, hand out what we have instead of waiting for more.
    if (may_block_ && !pending_.empty() && !input_ready()) break;
    read_block(in, next_read_size(options_.batch_size - pending_.size()));
  }
  carry_.assign(in, line_start, std::string::npos);
  in.resize(line_start);

  // Phase 2: the input no longer changes, so views into it stay valid.
  batch.reserve(batch.size() + pending_.size());
  for (const PendingLine& p : pending_) {
    if (p.arena_raw == nullptr) {
      batch.add_line(std::string_view(in.data() + p.offset, p.size), p.line);
      continue;
    }
    sdk::Record& r = batch.add_line(std::string_view(p.arena_raw, p.size), p.line);
    batch.dead_letter(r, "too_large",
                      "line of " + std::to_string(p.full_size) + " bytes exceeds max_line_bytes " +
                          std::to_string(options_.max_line_bytes) + "; raw holds the first " +
                          std::to_string(p.size) + " bytes");
  }
  batch.input_offset_end = bytes_consumed();
  return !(eof_ && carry_.empty());
}

void LineReader::finish_line(sdk::Batch& batch, const std::string& in, std::size_t begin, std::size_t end,
                             bool /*had_newline*/) {
  const uint64_t line = next_line_++;
  ++lines_seen_;
  const char* p = in.data() + begin;
  std::size_t size = end - begin;
  if (size > 0 && p[size - 1] == '\r') --size;
  if (is_blank(p, size)) return;
  if (size > options_.max_line_bytes) {
    add_too_large(batch, std::string_view(p, size), size, line);
    return;
  }
  pending_.push_back(PendingLine{nullptr, begin, size, line, size});
}

void LineReader::add_too_large(sdk::Batch& batch, std::string_view prefix_source, uint64_t full_size,
                               uint64_t line) {
  const std::size_t kept =
      std::min<std::size_t>({kKeptPrefixBytes, static_cast<std::size_t>(options_.max_line_bytes),
                             prefix_source.size()});
  std::string_view raw = batch.copy_string(prefix_source.substr(0, kept));
  pending_.push_back(PendingLine{raw.data(), 0, raw.size(), line, full_size});
}

// The line starting at line_start has no '\n' yet and is already too large: keep its first
// bytes, then read on without keeping anything until its '\n' (or the end of input).
void LineReader::skip_too_large_line(sdk::Batch& batch, std::string& in, std::size_t line_start) {
  const std::size_t kept = std::min<std::size_t>(kKeptPrefixBytes, in.size() - line_start);
  const std::string_view prefix = batch.copy_string(std::string_view(in).substr(line_start, kept));
  bool blank = is_blank(in.data() + line_start, in.size() - line_start);
  uint64_t full_size = in.size() - line_start;
  char last = in.back();
  in.resize(line_start);
  for (;;) {
    if (eof_) break;
    const std::size_t n = read_block(in, options_.read_block_bytes);
    const char* p = in.data() + line_start;
    const void* nl = std::memchr(p, '\n', n);
    const std::size_t part = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - p) : n;
    if (blank) blank = is_blank(p, part);
    full_size += part;
    if (part > 0) last = p[part - 1];
    if (nl != nullptr) {
      if (last == '\r') --full_size;
      in.erase(line_start, part + 1);  // keep what follows the '\n'
      break;
    }
    in.resize(line_start);
  }
  ++lines_seen_;
  if (blank) {
    ++next_line_;
    return;
  }
  const uint64_t line = next_line_++;
  const std::size_t size = std::min<std::size_t>(prefix.size(), options_.max_line_bytes);
  pending_.push_back(PendingLine{prefix.data(), 0, size, line, full_size});
}

std::size_t LineReader::read_block(std::string& in, std::size_t wanted) {
  const std::size_t old = in.size();
  int err = 0;
  // Reads into data[old, size) and returns the size the string keeps.
  auto read_into = [&](char* data, std::size_t size) -> std::size_t {
    for (;;) {
      const ssize_t got = ::read(fd_, data + old, size - old);
      if (got >= 0) return old + static_cast<std::size_t>(got);
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {  // a non-blocking stdin: wait for data
        pollfd pfd{fd_, POLLIN, 0};
        ::poll(&pfd, 1, -1);
        continue;
      }
      err = errno;
      return old;
    }
  };
#ifdef __cpp_lib_string_resize_and_overwrite
  // The kernel writes the new bytes: zero-filling them first would touch every input byte once
  // more (this file is compiled as C++23 where the library has it; see CMakeLists.txt).
  in.resize_and_overwrite(old + wanted, read_into);
#else
  in.resize(old + wanted);
  in.resize(read_into(in.data(), in.size()));
#endif
  if (err != 0) throw std::runtime_error("file_source: cannot read '" + path_ + "': " + std::strerror(err));
  const std::size_t n = in.size() - old;
  if (n == 0) eof_ = true;
  bytes_read_ += static_cast<uint64_t>(n);
  return static_cast<std::size_t>(n);
}

// Sized from the average line length seen so far, so that the bytes read past a full batch
// (copied to the front of the next one) stay small.
std::size_t LineReader::next_read_size(std::size_t records_missing) const {
  const std::size_t block = options_.read_block_bytes;
  if (lines_seen_ == 0) return block;
  const uint64_t average = bytes_consumed() / lines_seen_ + 1;
  const uint64_t estimate = average * records_missing + average * records_missing / 32 + 4096;
  return static_cast<std::size_t>(
      std::clamp<uint64_t>(estimate, std::min(kMinReadBytes, block), block));
}

bool LineReader::input_ready() const {
  pollfd pfd{fd_, POLLIN, 0};
  return ::poll(&pfd, 1, 0) > 0;
}

}  // namespace sluice::plugins::file_source
