#include "pii_masker.hpp"

#include <array>
#include <charconv>
#include <stdexcept>
#include <string>

namespace pii_mask {
namespace {

// ASCII only, on purpose: what is masked must be predictable. The local part allows the usual
// atext characters; the domain needs at least one dot and a top-level domain of letters.
constexpr std::string_view kEmail = R"([A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})";
// 13 to 19 digits with at most one space or dash between two digits, not part of a longer run
// of digits or letters.
constexpr std::string_view kCard = R"(\b[0-9](?:[ -]?[0-9]){12,18}\b)";
constexpr int kMaxGroups = 2;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace

bool passes_luhn(std::string_view text) noexcept {
  int sum = 0;
  bool twice = false;
  for (auto it = text.rbegin(); it != text.rend(); ++it) {
    if (!is_digit(*it)) continue;
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

PiiMasker::PiiMasker(const MaskOptions& options) : options_(options) {
  std::string pattern;
  auto add = [&](Detector detector, std::string_view regex) {
    if (!pattern.empty()) pattern += '|';
    pattern += '(';
    pattern += regex;
    pattern += ')';
    groups_.push_back(detector);
  };
  // E-mail first: where both could start at one place ("4111111111111111@bank.example"), the
  // whole address is the better match.
  if (options_.email) add(Detector::email, kEmail);
  if (options_.card) add(Detector::card, kCard);
  if (groups_.empty()) throw std::invalid_argument("pii_mask: no detector enabled");
  RE2::Options re2_options;
  re2_options.set_log_errors(false);
  pattern_ = std::make_unique<re2::RE2>(pattern, re2_options);
  if (!pattern_->ok()) throw std::runtime_error("pii_mask: bad pattern: " + pattern_->error());
}

std::size_t PiiMasker::mask(char* text, std::size_t size) const {
  const re2::StringPiece whole(text, size);
  re2::StringPiece match[kMaxGroups + 1];
  const int groups = static_cast<int>(groups_.size());
  std::size_t pos = 0;
  std::size_t masked = 0;
  // Each match is masked before the search goes on past it. The card pattern's \b looks one
  // character back, into what was masked; masking can add a word boundary there but never
  // remove one, so no later match is lost (a digit run glued to a fully masked address may be
  // found where it would not have been: it is masked too).
  while (pos < size && pattern_->Match(whole, pos, size, RE2::UNANCHORED, match, groups + 1)) {
    char* begin = text + (match[0].data() - whole.data());
    char* end = begin + match[0].size();
    for (int g = 0; g < groups; ++g) {
      if (match[g + 1].data() == nullptr) continue;
      if (groups_[g] == Detector::email) {
        mask_email(begin, end);
        ++masked;
      } else if (char* card_end = mask_card(begin, end)) {
        ++masked;
        end = card_end;  // digits after a card found inside the match are looked at again
      }
      break;
    }
    pos = static_cast<std::size_t>(end - text);
    if (match[0].empty()) ++pos;
  }
  return masked;
}

bool PiiMasker::may_contain(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *pattern_);
}

std::size_t PiiMasker::mask_integer(uint64_t value, char* out) const {
  if (!options_.card) return 0;
  auto [end, ec] = std::to_chars(out, out + 20, value);
  const std::size_t digits = static_cast<std::size_t>(end - out);
  if (ec != std::errc() || digits < 13 || digits > 19) return 0;
  return mask_card(out, end) != nullptr ? digits : 0;
}

char* PiiMasker::mask_card(char* begin, char* end) const {
  if (!options_.luhn || passes_luhn(std::string_view(begin, static_cast<std::size_t>(end - begin)))) {
    mask_digits(begin, end);
    return end;
  }
  // The longest run the pattern took may hold a card number next to other digits
  // ("4111 1111 1111 1111 123": a card and a security code). Try the parts that start and end
  // at a separator, leftmost first, longest first. A run has at most 18 separators.
  std::array<char*, 20> starts{}, ends{};
  std::size_t n = 0;
  starts[n] = begin;
  for (char* p = begin; p != end; ++p) {
    if (is_digit(*p)) continue;
    ends[n] = p;
    starts[++n] = p + 1;
  }
  ends[n] = end;
  for (std::size_t s = 0; s <= n; ++s) {
    for (std::size_t e = n + 1; e-- > s;) {
      std::size_t digits = 0;
      for (char* p = starts[s]; p != ends[e]; ++p) digits += is_digit(*p);
      if (digits < 13) break;
      if (digits > 19) continue;
      if (passes_luhn(std::string_view(starts[s], static_cast<std::size_t>(ends[e] - starts[s])))) {
        mask_digits(starts[s], ends[e]);
        return ends[e];
      }
    }
  }
  return nullptr;
}

void PiiMasker::mask_digits(char* begin, char* end) const {
  std::size_t digits = 0;
  for (char* p = begin; p != end; ++p) digits += is_digit(*p);
  const std::size_t keep = static_cast<std::size_t>(options_.keep_last);
  std::size_t masked = 0;
  for (char* p = begin; p != end && masked + keep < digits; ++p) {
    if (!is_digit(*p)) continue;
    *p = options_.mask_char;
    ++masked;
  }
}

void PiiMasker::mask_email(char* begin, char* end) const {
  bool in_domain = false;
  for (char* p = begin; p != end; ++p) {
    if (*p == '@' && !in_domain) {
      in_domain = true;
      continue;
    }
    if (!in_domain || !options_.keep_email_domain) *p = options_.mask_char;
  }
}

}  // namespace pii_mask
