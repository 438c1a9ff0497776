#include "json_writer.hpp"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace sluice::plugins::ndjson_sink {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;
constexpr uint64_t kLow7 = kOnes * 0x7F;

// The bytes of w that are zero, as the high bit of each. Exact: no carry crosses a byte.
constexpr uint64_t zero_bytes(uint64_t w) noexcept { return ~(((w & kLow7) + kLow7) | w | kLow7); }

// The bytes of w that need escaping ('"', '\\' and those below 0x20), as the high bit of each.
constexpr uint64_t escape_bytes(uint64_t w) noexcept {
  const uint64_t control = ~(((w & kLow7) + kOnes * (0x80 - 0x20)) | w) & kHighBits;
  return zero_bytes(w ^ (kOnes * '"')) | zero_bytes(w ^ (kOnes * '\\')) | control;
}
static_assert(escape_bytes(0x2220'1F5C'7F80'4161ULL) == 0x8000'8080'0000'0000ULL);

// The position in memory of the first byte a mask from escape_bytes marks, and the mask
// without it.
inline std::size_t first_marked(uint64_t mask) noexcept {
  if constexpr (std::endian::native == std::endian::little)
    return static_cast<std::size_t>(std::countr_zero(mask)) / 8;
  else
    return static_cast<std::size_t>(std::countl_zero(mask)) / 8;
}
inline uint64_t without_first(uint64_t mask) noexcept {
  if constexpr (std::endian::native == std::endian::little)
    return mask & (mask - 1);
  else
    return mask & ~(uint64_t{1} << (63 - std::countl_zero(mask)));
}

// The eight bytes at p; past `end`, spaces (which need no escape).
inline uint64_t load_word(const char* p, const char* end) noexcept {
  uint64_t w = kOnes * ' ';
  std::memcpy(&w, p, end - p >= 8 ? 8 : static_cast<std::size_t>(end - p));
  return w;
}

// The bytes each byte adds when escaped: 1 for '"', '\\' and the controls with a short
// escape, 5 for the other controls (\u00XX), 0 for every other byte.
constexpr std::array<uint8_t, 256> make_escape_extra() {
  std::array<uint8_t, 256> extra{};
  for (int c = 0; c < 0x20; ++c) extra[c] = 5;
  for (unsigned char c : {'"', '\\', '\n', '\r', '\t', '\b', '\f'}) extra[c] = 1;
  return extra;
}
constexpr std::array<uint8_t, 256> kEscapeExtra = make_escape_extra();

// Writes the escape of c at d; returns the end of what it wrote.
char* write_escape(char* d, unsigned char c) noexcept {
  char short_form = 0;
  switch (c) {
    case '"': short_form = '"'; break;
    case '\\': short_form = '\\'; break;
    case '\n': short_form = 'n'; break;
    case '\r': short_form = 'r'; break;
    case '\t': short_form = 't'; break;
    case '\b': short_form = 'b'; break;
    case '\f': short_form = 'f'; break;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      std::memcpy(d, esc, 6);
      return d + 6;
    }
  }
  d[0] = '\\';
  d[1] = short_form;
  return d + 2;
}

void append_double(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buf[32];
  char* end = std::to_chars(buf, buf + sizeof buf, d).ptr;
  out.append(buf, static_cast<std::size_t>(end - buf));
  if (std::memchr(buf, '.', static_cast<std::size_t>(end - buf)) == nullptr &&
      std::memchr(buf, 'e', static_cast<std::size_t>(end - buf)) == nullptr)
    out += ".0";
}

template <class Int>
void append_integer(std::string& out, Int v) {
  char buf[24];
  char* end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out.append(buf, static_cast<std::size_t>(end - buf));
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  // First the escaped size, then the text written straight into the grown string, eight bytes
  // at a time up to the next byte to escape. Raw input lines, the bulk of a dead letter, have
  // a quote every few bytes, so most words hold one: the bytes before it go out as one store
  // instead of being appended run by run.
  const char* const begin = s.data();
  const char* const end = begin + s.size();
  std::size_t extra = 0;
  for (const char* p = begin; p < end; p += 8)
    for (uint64_t mask = escape_bytes(load_word(p, end)); mask != 0; mask = without_first(mask))
      extra += kEscapeExtra[static_cast<unsigned char>(p[first_marked(mask)])];
  const std::size_t at = out.size();
  out.resize(at + s.size() + extra + 2);
  char* d = out.data() + at;
  *d++ = '"';
  const char* p = begin;
  // Each byte left writes at least one, so the eight bytes stored at d stay inside the string.
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    std::memcpy(d, &w, 8);
    const uint64_t mask = escape_bytes(w);
    if (mask == 0) {
      p += 8;
      d += 8;
      continue;
    }
    const std::size_t i = first_marked(mask);
    d = write_escape(d + i, static_cast<unsigned char>(p[i]));
    p += i + 1;
  }
  for (; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (kEscapeExtra[c] == 0)
      *d++ = static_cast<char>(c);
    else
      d = write_escape(d, c);
  }
  *d = '"';
}

void append_json_value(std::string& out, const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null: out += "null"; return;
    case boost::json::kind::bool_: out += value.get_bool() ? "true" : "false"; return;
    case boost::json::kind::int64: append_integer(out, value.get_int64()); return;
    case boost::json::kind::uint64: append_integer(out, value.get_uint64()); return;
    case boost::json::kind::double_: append_double(out, value.get_double()); return;
    case boost::json::kind::string: {
      const boost::json::string& s = value.get_string();
      append_json_string(out, std::string_view(s.data(), s.size()));
      return;
    }
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const boost::json::value& item : value.get_array()) {
        if (!first) out += ',';
        first = false;
        append_json_value(out, item);
      }
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const boost::json::key_value_pair& kv : value.get_object()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, std::string_view(kv.key().data(), kv.key().size()));
        out += ':';
        append_json_value(out, kv.value());
      }
      out += '}';
      return;
    }
  }
}

void append_dead_letter(std::string& out, const sdk::Record& record) {
  const sdk::DeadLetter empty{};
  const sdk::DeadLetter& dead = record.dead != nullptr ? *record.dead : empty;
  out += "{\"reason\":";
  append_json_string(out, dead.reason);
  out += ",\"stage\":";
  append_json_string(out, dead.stage);
  out += ",\"detail\":";
  append_json_string(out, dead.detail);
  out += ",\"line\":";
  append_integer(out, record.line);
  out += ",\"raw\":";
  append_json_string(out, record.raw);
  out += '}';
}

}  // namespace sluice::plugins::ndjson_sink
