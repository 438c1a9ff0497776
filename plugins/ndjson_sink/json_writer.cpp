#include "json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace sluice::plugins::ndjson_sink {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// True when one of the 8 bytes may need escaping ('"', '\\' or < 0x20); may be true without
// need (the caller then checks byte by byte), never false when one does.
inline bool may_need_escape(uint64_t w) noexcept {
  const uint64_t control = (w - kOnes * 0x20) & ~w & kHighBits;
  const uint64_t q = w ^ (kOnes * '"');
  const uint64_t quote = (q - kOnes) & ~q & kHighBits;
  const uint64_t b = w ^ (kOnes * '\\');
  const uint64_t backslash = (b - kOnes) & ~b & kHighBits;
  return (control | quote | backslash) != 0;
}

inline bool needs_escape(unsigned char c) noexcept { return c < 0x20 || c == '"' || c == '\\'; }

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out.append(esc, 6);
    }
  }
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
  out += '"';
  const char* p = s.data();
  const char* const end = p + s.size();
  const char* run = p;  // start of bytes not yet appended
  while (p < end) {
    if (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if (!may_need_escape(w)) {
        p += 8;
        continue;
      }
    }
    const char* stop = end - p >= 8 ? p + 8 : end;
    for (; p < stop; ++p) {
      const unsigned char c = static_cast<unsigned char>(*p);
      if (!needs_escape(c)) continue;
      out.append(run, static_cast<std::size_t>(p - run));
      append_escape(out, c);
      run = p + 1;
    }
  }
  out.append(run, static_cast<std::size_t>(end - run));
  out += '"';
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
