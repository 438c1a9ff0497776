// The byte key of a group: the group-by values of a record, each encoded so that two
// records get the same key exactly when every group-by value is equal (JSON equality:
// 3 and 3.0 are one group; a missing field and null are one group).
#pragma once

#include <sluice/plugins/common/short_bytes.hpp>

#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sluice::plugins::window_aggregate {

using common::copy_bytes;

namespace key_tag {
inline constexpr char kNull = 'n';  // missing field or null
inline constexpr char kString = 's';
inline constexpr char kInteger = 'i';   // any number with an integral value in int64 range
inline constexpr char kUnsigned = 'u';  // integers above INT64_MAX
inline constexpr char kDouble = 'd';
inline constexpr char kBool = 'b';
inline constexpr char kComposite = 'j';  // arrays and objects, as serialized JSON
}  // namespace key_tag

// Builds keys part by part in a buffer it owns and reuses: once the buffer has grown to the
// longest key, building a key allocates nothing. Not thread-safe.
class GroupKey {
 public:
  void clear() noexcept { size_ = 0; }
  std::string_view view() const noexcept { return {buffer_.data(), size_}; }

  // Appends the encoding of one group-by value (nullptr: the field is missing). Each part
  // is self-delimiting: a tag, then fixed-width or length-prefixed bytes.
  void append(const boost::json::value* v) {
    if (v == nullptr) {
      put_tag(key_tag::kNull);
      return;
    }
    switch (v->kind()) {
      case boost::json::kind::string: {
        const boost::json::string& s = v->get_string();
        const auto n = static_cast<uint32_t>(s.size());
        char* p = reserve(1 + sizeof n + n);
        *p = key_tag::kString;
        std::memcpy(p + 1, &n, sizeof n);
        copy_bytes(p + 1 + sizeof n, s.data(), n);
        size_ += 1 + sizeof n + n;
        return;
      }
      case boost::json::kind::int64: put_integer(v->get_int64()); return;
      case boost::json::kind::uint64: {
        const uint64_t u = v->get_uint64();
        if (u <= static_cast<uint64_t>(INT64_MAX))
          put_integer(static_cast<int64_t>(u));
        else
          put_fixed(key_tag::kUnsigned, u);
        return;
      }
      case boost::json::kind::double_: {
        const double d = v->get_double();
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d)
          put_integer(static_cast<int64_t>(d));  // also folds -0.0 into 0
        else
          put_fixed(key_tag::kDouble, d);
        return;
      }
      case boost::json::kind::bool_: put_fixed(key_tag::kBool, static_cast<uint8_t>(v->get_bool() ? 1 : 0)); return;
      case boost::json::kind::null: put_tag(key_tag::kNull); return;
      default: append_composite(*v); return;
    }
  }

 private:
  // Room for n more bytes, plus slack so copy_bytes may write whole words.
  char* reserve(std::size_t n) {
    if (size_ + n + 16 > buffer_.size()) buffer_.resize(std::max(2 * buffer_.size(), size_ + n + 64));
    return buffer_.data() + size_;
  }
  void put_tag(char tag) {
    *reserve(1) = tag;
    ++size_;
  }
  void put_integer(int64_t i) { put_fixed(key_tag::kInteger, i); }
  template <class T>
  void put_fixed(char tag, T value) {
    char* p = reserve(1 + sizeof value);
    *p = tag;
    std::memcpy(p + 1, &value, sizeof value);
    size_ += 1 + sizeof value;
  }
  // Arrays and objects (rare as group keys; allocates).
  void append_composite(const boost::json::value& v);

  std::string buffer_;  // its size is the capacity; the key is the first size_ bytes
  std::size_t size_ = 0;
};

}  // namespace sluice::plugins::window_aggregate
