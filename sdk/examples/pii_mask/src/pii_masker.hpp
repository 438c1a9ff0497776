// Finds e-mail addresses and payment card numbers in text and masks them in place.
#pragma once

#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace pii_mask {

// What to find and how to mask it.
struct MaskOptions {
  bool email = true;              // detect e-mail addresses
  bool card = true;               // detect card numbers: 13 to 19 digits, single spaces or dashes between
  char mask_char = '*';           // replaces each masked character
  int keep_last = 4;              // card digits left visible at the end
  bool luhn = true;               // a digit run is a card number only when its Luhn checksum holds
  bool keep_email_domain = true;  // mask only the part before the '@'
};

// True when the digits of `text` (other characters skipped) pass the Luhn checksum.
bool passes_luhn(std::string_view text) noexcept;

// Immutable after construction: mask() and mask_integer() may run from several threads at once
// (RE2 matching is thread-safe). Masking keeps the text's length and every separator, so a
// string can be masked where it lies.
class PiiMasker {
 public:
  // At least one of options.email and options.card must be set.
  explicit PiiMasker(const MaskOptions& options);

  // Masks every detected item in text[0, size); returns how many items it masked. Allocates
  // nothing.
  std::size_t mask(char* text, std::size_t size) const;
  // True when `text` holds something mask() would look at more closely (a cheap test before
  // copying text that cannot be masked where it lies).
  bool may_contain(std::string_view text) const;
  // A card number written as a JSON integer: writes its masked digits to out (20 bytes at least)
  // and returns how many; 0 when `value` is not a card number to mask (or cards are not detected).
  std::size_t mask_integer(uint64_t value, char* out) const;

 private:
  enum class Detector { email, card };

  // [begin, end) matched the card pattern: masks the card number in it and returns where that
  // number ends, or returns nullptr when, with luhn, no part of it passes the checksum.
  char* mask_card(char* begin, char* end) const;
  // Masks the digits of [begin, end) but the last keep_last.
  void mask_digits(char* begin, char* end) const;
  void mask_email(char* begin, char* end) const;

  MaskOptions options_;
  std::vector<Detector> groups_;  // groups_[i] is what capture group i + 1 finds
  std::unique_ptr<re2::RE2> pattern_;
};

}  // namespace pii_mask
