#include "parse_failure.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace sluice::plugins::json_parse {

void DetailText::append(std::string_view s) noexcept {
  const std::size_t n = std::min(s.size(), sizeof(text_) - size_);
  std::memcpy(text_ + size_, s.data(), n);
  size_ += n;
}

void DetailText::append_number(std::size_t n) noexcept {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), n);
  append(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void DetailText::append_hex_byte(unsigned char b) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  const char text[4] = {'0', 'x', kHex[b >> 4], kHex[b & 0xF]};
  append(std::string_view(text, 4));
}

namespace {

using boost::json::error;

void append_at(DetailText& out, std::string_view what, std::size_t offset) noexcept {
  out.append(what);
  out.append(" at byte ");
  out.append_number(offset);
}

}  // namespace

void describe_failure(std::string_view line, const ParseFailure& failure, std::size_t max_depth,
                      DetailText& out) noexcept {
  const boost::json::error_code& ec = failure.code;
  // Boost.JSON reports where it stopped; clamp in case a future version reports past the end.
  const std::size_t at = std::min(failure.offset, line.size());
  const bool has_byte = at < line.size();
  const auto byte = has_byte ? static_cast<unsigned char>(line[at]) : 0;

  if (ec == error::incomplete || (ec == error::syntax && !has_byte)) {
    append_at(out, "syntax error", at);
    out.append(": unexpected end of input");
  } else if (ec == error::extra_data) {
    append_at(out, "syntax error", at);
    out.append(": unexpected data after the value");
  } else if (ec == error::too_deep) {
    append_at(out, "nesting too deep", at);
    out.append(": more than max_depth ");
    out.append_number(max_depth);
    out.append(" levels");
  } else if (ec == error::exponent_overflow) {
    append_at(out, "number out of range", at);
  } else if (ec == error::syntax && byte >= 0x80) {
    // Non-ASCII bytes are only valid inside strings, where Boost.JSON checks them as UTF-8,
    // so a syntax error on one means a malformed or misplaced UTF-8 sequence.
    append_at(out, "invalid UTF-8", at);
  } else if (ec == error::syntax && (byte < 0x20 || byte == 0x7F)) {
    // Inside a string: an unescaped control character; elsewhere: a stray one.
    append_at(out, "syntax error", at);
    out.append(": control character ");
    out.append_hex_byte(byte);
  } else if (ec == error::syntax) {
    append_at(out, "syntax error", at);
    out.append(": unexpected '");
    out.append(std::string_view(line.data() + at, 1));
    out.append("'");
  } else {
    // Escapes (surrogates, hex digits), sizes: Boost.JSON's own words are clear enough.
    char message[64];
    append_at(out, ec.category().message(ec.value(), message, sizeof(message)), at);
  }
}

std::string_view json_kind_name(const boost::json::value& v) noexcept {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "number";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::object:
      return "object";
  }
  return "value";
}

}  // namespace sluice::plugins::json_parse
