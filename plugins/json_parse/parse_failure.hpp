// Turns a parse failure into the short dead-letter detail a user reads.
#pragma once

#include <cstddef>
#include <string_view>

#include "line_parser.hpp"

namespace sluice::plugins::json_parse {

// Fixed-size text built without heap allocation; long inputs are cut, never overflowed.
class DetailText {
 public:
  void append(std::string_view s) noexcept;
  void append_number(std::size_t n) noexcept;
  void append_hex_byte(unsigned char b) noexcept;
  std::string_view view() const noexcept { return {text_, size_}; }

 private:
  char text_[128];
  std::size_t size_ = 0;
};

// "syntax error at byte 17: unexpected 'N'", "invalid UTF-8 at byte 6", ... Offsets are
// 0-based byte offsets into `line`. max_depth is named in the message for too-deep input.
void describe_failure(std::string_view line, const ParseFailure& failure, std::size_t max_depth,
                      DetailText& out) noexcept;

// The JSON type name of a value ("array", "string", "number", ...), for "not an object" details.
std::string_view json_kind_name(const boost::json::value& v) noexcept;

}  // namespace sluice::plugins::json_parse
