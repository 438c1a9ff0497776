#include "file_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sluice::plugins::file_source {
namespace {

// A positive integer option no larger than `max`; `fallback` when absent.
uint64_t positive_option(const sdk::ConfigNode& config, std::string_view key, uint64_t fallback, uint64_t max) {
  const sdk::ConfigNode* node = config.find(key);
  if (node == nullptr || node->is_null()) return fallback;
  const int64_t value = node->as_int();
  if (value < 1 || static_cast<uint64_t>(value) > max)
    node->fail(std::string(key) + " must be between 1 and " + std::to_string(max) + ", found " +
               std::to_string(value));
  return static_cast<uint64_t>(value);
}

}  // namespace

FileSource::~FileSource() { close_input(); }

void FileSource::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& config = ctx.config;
  const sdk::ConfigNode* path = config.find("path");
  if (path == nullptr || path->is_null())
    config.fail("file_source needs a `path`", "path: events.ndjson, or path: \"-\" for stdin");
  path_ = path->as_string();
  if (path_.empty()) path->fail("path must not be empty", "use \"-\" for stdin");
  options_.batch_size = static_cast<uint32_t>(positive_option(config, "batch_size", ctx.batch_size, 1u << 24));
  options_.max_line_bytes = positive_option(config, "max_line_bytes", 16u << 20, uint64_t{1} << 40);
  options_.read_block_bytes =
      static_cast<std::size_t>(positive_option(config, "read_block_bytes", 1u << 20, 1u << 30));
}

void FileSource::start() {
  close_input();
  if (path_ == "-") {
    fd_ = STDIN_FILENO;
    owns_fd_ = false;
  } else {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error("file_source: cannot open '" + path_ + "': " + std::strerror(errno));
    owns_fd_ = true;
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int err = errno;
    close_input();
    throw std::runtime_error("file_source: cannot stat '" + path_ + "': " + std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    close_input();
    throw std::runtime_error("file_source: cannot read '" + path_ + "': " + std::strerror(EISDIR));
  }
  const bool regular = S_ISREG(st.st_mode);
  total_bytes_ = regular ? static_cast<uint64_t>(st.st_size) : 0;
  if (regular) ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  reader_.emplace(fd_, path_ == "-" ? std::string("<stdin>") : path_, options_, !regular);
}

void FileSource::stop() { close_input(); }

bool FileSource::next(sdk::Batch& batch) {
  if (!reader_ || fd_ < 0) throw std::logic_error("file_source: next() called before start()");
  return reader_->fill(batch);
}

sdk::Progress FileSource::progress() const {
  return sdk::Progress{reader_ ? reader_->bytes_consumed() : 0, total_bytes_};
}

void FileSource::close_input() noexcept {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
  fd_ = -1;
  owns_fd_ = false;
}

}  // namespace sluice::plugins::file_source
