#include "string_index.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace sluice::plugins::regex_enrich {

StringIndex::StringIndex(std::size_t expected) {
  std::size_t capacity = std::bit_ceil(std::max<std::size_t>(8, expected * 2));
  slots_.resize(capacity);
  mask_ = capacity - 1;
}

std::size_t StringIndex::hash(std::string_view key) noexcept {
  // Eight bytes per multiply; the shifts fold the high bits into the low ones the table uses.
  constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;
  uint64_t h = (key.size() + 1) * kMultiplier;
  const char* p = key.data();
  std::size_t n = key.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ word) * kMultiplier;
    h ^= h >> 29;
  }
  if (n > 0) {
    uint64_t word = 0;
    std::memcpy(&word, p, n);
    h = (h ^ word) * kMultiplier;
    h ^= h >> 29;
  }
  return static_cast<std::size_t>(h ^ (h >> 32));
}

uint32_t StringIndex::find(std::string_view key, std::size_t h) const noexcept {
  for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.value == kAbsent) return kAbsent;
    if (s.hash == h && s.size == key.size() &&
        (key.empty() || std::memcmp(s.data, key.data(), key.size()) == 0))
      return s.value;
  }
}

void StringIndex::insert(std::string_view key, std::size_t h, uint32_t value) {
  if ((count_ + 1) * 2 > slots_.size()) grow();
  std::size_t i = h & mask_;
  while (slots_[i].value != kAbsent) i = (i + 1) & mask_;
  slots_[i] = Slot{h, key.data(), static_cast<uint32_t>(key.size()), value};
  ++count_;
}

void StringIndex::grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.value == kAbsent) continue;
    std::size_t i = s.hash & mask_;
    while (slots_[i].value != kAbsent) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

}  // namespace sluice::plugins::regex_enrich
