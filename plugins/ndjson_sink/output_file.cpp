#include "output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sluice::plugins::ndjson_sink {

OutputFile::~OutputFile() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

void OutputFile::open(const std::string& path, bool append) {
  if (owned_ && fd_ >= 0) ::close(fd_);
  path_ = path;
  if (path == "-") {
    fd_ = STDOUT_FILENO;
    owned_ = false;
    path_ = "<stdout>";
    return;
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
  if (fd_ < 0) fail("cannot open", errno);
  owned_ = true;
}

void OutputFile::write_all(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void OutputFile::sync() {
  if (::fdatasync(fd_) != 0 && errno != EINVAL && errno != EROFS && errno != ENOTSUP)
    fail("cannot sync", errno);
}

void OutputFile::close() {
  if (fd_ < 0) return;
  const int fd = fd_;
  const bool owned = owned_;
  fd_ = -1;
  owned_ = false;
  if (owned && ::close(fd) != 0 && errno != EINTR) fail("cannot close", errno);
}

void OutputFile::fail(const char* what, int err) const {
  throw std::runtime_error(std::string("ndjson_sink: ") + what + " '" + path_ + "': " + std::strerror(err));
}

}  // namespace sluice::plugins::ndjson_sink
