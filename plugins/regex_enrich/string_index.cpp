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
