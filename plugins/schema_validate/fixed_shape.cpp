#include "fixed_shape.hpp"

#include <string>

namespace sluice::plugins::schema_validate {

namespace {

using Set = std::array<uint64_t, 2>;

constexpr std::string_view kOperators = ".^$|?*+()[]{}\\/-";
constexpr std::size_t kMaxRepeat = 256;

void add(Set& set, unsigned char c) { set[c >> 6] |= uint64_t{1} << (c & 63); }
void add_range(Set& set, unsigned char lo, unsigned char hi) {
  for (unsigned c = lo; c <= hi; ++c) add(set, static_cast<unsigned char>(c));
}

bool plain_ascii(char c) { return c > 0x20 && c < 0x7f; }

// Reads one character of a class at p (advancing it): a plain character or an escaped
// operator. False for anything else.
bool class_char(std::string_view pattern, std::size_t& p, unsigned char& out) {
  if (p >= pattern.size()) return false;
  char c = pattern[p];
  if (c == '\\') {
    if (p + 1 >= pattern.size() || kOperators.find(pattern[p + 1]) == std::string_view::npos) return false;
    out = static_cast<unsigned char>(pattern[p + 1]);
    p += 2;
    return true;
  }
  if (!plain_ascii(c) || c == '[' || c == ']' || c == '-') return false;
  out = static_cast<unsigned char>(c);
  ++p;
  return true;
}

}  // namespace

std::optional<FixedShape> FixedShape::compile(std::string_view pattern) {
  if (pattern.size() < 2 || pattern.front() != '^') return std::nullopt;
  FixedShape shape;
  std::size_t p = 1;
  for (;;) {
    if (p >= pattern.size()) return std::nullopt;  // no closing '$'
    Set set{};
    const char c = pattern[p];
    if (c == '$') {
      if (p + 1 != pattern.size()) return std::nullopt;
      break;
    }
    if (c == '\\') {
      if (p + 1 >= pattern.size()) return std::nullopt;
      const char e = pattern[p + 1];
      if (e == 'd') {
        add_range(set, '0', '9');
      } else if (kOperators.find(e) != std::string_view::npos) {
        add(set, static_cast<unsigned char>(e));
      } else {
        return std::nullopt;  // \w, \s, \b, \u..., back-references: the engine's
      }
      p += 2;
    } else if (c == '[') {
      ++p;
      if (p < pattern.size() && pattern[p] == '^') return std::nullopt;  // negation matches non-ASCII
      bool empty = true;
      while (p < pattern.size() && pattern[p] != ']') {
        unsigned char lo = 0;
        if (pattern[p] == '\\' && p + 1 < pattern.size() && pattern[p + 1] == 'd') {
          add_range(set, '0', '9');
          p += 2;
          empty = false;
          continue;
        }
        if (!class_char(pattern, p, lo)) return std::nullopt;
        unsigned char hi = lo;
        if (p + 1 < pattern.size() && pattern[p] == '-' && pattern[p + 1] != ']') {
          ++p;
          if (!class_char(pattern, p, hi) || hi < lo) return std::nullopt;
        }
        add_range(set, lo, hi);
        empty = false;
      }
      if (p >= pattern.size() || empty) return std::nullopt;
      ++p;  // ']'
    } else if (plain_ascii(c) && kOperators.find(c) == std::string_view::npos) {
      add(set, static_cast<unsigned char>(c));
      ++p;
    } else if (c == '-' || c == '/') {  // not operators outside a class
      add(set, static_cast<unsigned char>(c));
      ++p;
    } else {
      return std::nullopt;
    }

    std::size_t repeat = 1;
    if (p < pattern.size() && pattern[p] == '{') {
      std::size_t q = p + 1;
      std::size_t n = 0;
      while (q < pattern.size() && pattern[q] >= '0' && pattern[q] <= '9' && n <= kMaxRepeat)
        n = n * 10 + static_cast<std::size_t>(pattern[q++] - '0');
      if (q == p + 1 || q >= pattern.size() || pattern[q] != '}' || n < 1 || n > kMaxRepeat) return std::nullopt;
      repeat = n;
      p = q + 1;
    }
    if (p < pattern.size() && std::string_view("?*+{").find(pattern[p]) != std::string_view::npos)
      return std::nullopt;  // another quantifier
    shape.sets_.insert(shape.sets_.end(), repeat, set);
  }
  return shape;
}

}  // namespace sluice::plugins::schema_validate
