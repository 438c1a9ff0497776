// Equality and copy of short byte ranges (field names, group-by values) without a library
// call: the hot path compares and copies a handful of bytes per record, where a call to
// memcmp / memcpy would cost more than the work.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace sluice::plugins::common {

// True when the n bytes at a and b are equal.
inline bool bytes_equal(const char* a, const char* b, std::size_t n) noexcept {
  if (n >= 8) {
    uint64_t x, y;
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&x, a + i, 8);
      std::memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    std::memcpy(&x, a + n - 8, 8);  // the last 8 bytes, overlapping the loop's
    std::memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  if (n >= 4) {
    uint32_t x0, y0, x1, y1;
    std::memcpy(&x0, a, 4);
    std::memcpy(&y0, b, 4);
    std::memcpy(&x1, a + n - 4, 4);
    std::memcpy(&y1, b + n - 4, 4);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// A fixed byte string (a field name) prepared for fast comparison: its first and last
// words are kept as integers, so a match costs two loads and compares.
class BytePattern {
 public:
  explicit BytePattern(std::string text) : text_(std::move(text)), size_(text_.size()) {
    const std::size_t n = text_.size();
    if (n >= 8) {
      std::memcpy(&head8_, text_.data(), 8);
      std::memcpy(&tail8_, text_.data() + n - 8, 8);
    } else if (n >= 4) {
      std::memcpy(&head4_, text_.data(), 4);
      std::memcpy(&tail4_, text_.data() + n - 4, 4);
    }
  }

  const std::string& text() const noexcept { return text_; }

  // True when the n bytes at p equal the pattern.
  [[gnu::always_inline]] bool matches(const char* p, std::size_t n) const noexcept {
    if (n != size_) return false;
    if (n >= 8) {
      uint64_t head, tail;
      std::memcpy(&head, p, 8);
      std::memcpy(&tail, p + n - 8, 8);
      if (((head ^ head8_) | (tail ^ tail8_)) != 0) return false;
      return n <= 16 || bytes_equal(p + 8, text_.data() + 8, n - 16);
    }
    if (n >= 4) {
      uint32_t head, tail;
      std::memcpy(&head, p, 4);
      std::memcpy(&tail, p + n - 4, 4);
      return ((head ^ head4_) | (tail ^ tail4_)) == 0;
    }
    return bytes_equal(p, text_.data(), n);
  }

 private:
  std::string text_;
  std::size_t size_;
  uint64_t head8_ = 0, tail8_ = 0;
  uint32_t head4_ = 0, tail4_ = 0;
};

// Copies n bytes from src to dst (not overlapping).
inline void copy_bytes(char* dst, const char* src, std::size_t n) noexcept {
  if (n > 16) {
    std::memcpy(dst, src, n);
  } else if (n >= 8) {
    uint64_t head, tail;
    std::memcpy(&head, src, 8);
    std::memcpy(&tail, src + n - 8, 8);
    std::memcpy(dst, &head, 8);
    std::memcpy(dst + n - 8, &tail, 8);
  } else if (n >= 4) {
    uint32_t head, tail;
    std::memcpy(&head, src, 4);
    std::memcpy(&tail, src + n - 4, 4);
    std::memcpy(dst, &head, 4);
    std::memcpy(dst + n - 4, &tail, 4);
  } else {
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

}  // namespace sluice::plugins::common
