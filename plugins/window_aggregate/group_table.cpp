#include "group_table.hpp"

namespace sluice::plugins::window_aggregate {

void GroupTable::place(const Slot& slot) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = slot.hash & mask;
  while (slots_[i].group != kNotFound) i = (i + 1) & mask;
  slots_[i] = slot;
}

void GroupTable::insert(std::string_view key, uint64_t hash, uint32_t group) {
  if ((size_ + 1) * 2 > slots_.size()) {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old)
      if (s.group != kNotFound) place(s);
  }
  Slot slot{hash, keys_.size(), static_cast<uint32_t>(key.size()), group};
  keys_.append(key);
  place(slot);
  ++size_;
}

}  // namespace sluice::plugins::window_aggregate
