// Fixed-width little-endian encoding of the primitive types that window state is made of.
// Used by snapshot() / restore() and by QuantileSketch::encode / decode.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sluice::plugins::window_aggregate {

static_assert(std::endian::native == std::endian::little, "the state format is little-endian");

// Appends values to a caller-owned string. Integers and doubles are written as their raw
// little-endian bytes, so doubles round-trip bit for bit (infinities and -0.0 included).
class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { raw(&v, sizeof v); }
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void i32(int32_t v) { raw(&v, sizeof v); }
  void i64(int64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  // A length-prefixed byte string.
  void bytes(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }

 private:
  void raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string& out_;
};

// Reads what ByteWriter wrote from a view the caller keeps alive. Every read past the end
// throws std::runtime_error, so a truncated or foreign state is refused, never misread.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  uint8_t u8() { return read<uint8_t>(); }
  uint32_t u32() { return read<uint32_t>(); }
  uint64_t u64() { return read<uint64_t>(); }
  int32_t i32() { return read<int32_t>(); }
  int64_t i64() { return read<int64_t>(); }
  double f64() { return read<double>(); }
  std::string_view bytes() {
    uint32_t n = u32();
    need(n);
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // Fails unless n more items of at least `item_bytes` each can still follow; guards
  // allocations sized by a count read from the input.
  void expect_items(uint64_t n, std::size_t item_bytes) const {
    if (item_bytes != 0 && n > (in_.size() - pos_) / item_bytes) fail();
  }
  bool at_end() const noexcept { return pos_ == in_.size(); }

 private:
  template <class T>
  T read() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  void need(std::size_t n) const {
    if (n > in_.size() - pos_) fail();
  }
  [[noreturn]] static void fail() { throw std::runtime_error("window_aggregate state is truncated or corrupt"); }

  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace sluice::plugins::window_aggregate
