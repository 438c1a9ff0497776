// Anchored patterns that only match strings of one length, such as "^evt-[0-9]{12}$" or
// "^[A-Z]{2}$", checked byte by byte against a table instead of by the regex engine. Ids and
// codes are mostly validated with such patterns, and RE2 spends several hundred instructions
// a call on them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sluice::plugins::schema_validate {

class FixedShape {
 public:
  // The shape of `pattern`, or nullopt when it is not of the form this class handles:
  //   '^', then items, then '$', where an item is an ASCII character (not a regex operator),
  //   an escaped operator ("\." "\-" ...), "\d", or a class of ASCII characters and ranges
  //   ("[A-Za-z0-9_]", no negation), each optionally followed by {n} (1 <= n <= 256).
  // Everything else (alternation, groups, other quantifiers, flags, non-ASCII) is left to the
  // regex engine. Such a pattern matches exactly the strings whose i-th byte is in the i-th
  // set: a non-ASCII character is in no set, so bytes and code points agree.
  static std::optional<FixedShape> compile(std::string_view pattern);

  bool matches(std::string_view s) const noexcept {
    if (s.size() != sets_.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 128 || !((sets_[i][c >> 6] >> (c & 63)) & 1)) return false;
    }
    return true;
  }

  std::size_t length() const noexcept { return sets_.size(); }

 private:
  using Set = std::array<uint64_t, 2>;  // ASCII characters, one bit each
  std::vector<Set> sets_;
};

}  // namespace sluice::plugins::schema_validate
