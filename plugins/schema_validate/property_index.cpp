#include "property_index.hpp"

namespace sluice::plugins::schema_validate {

void PropertyIndex::build(const std::vector<const std::string*>& names) {
  size_ = names.size();
  entries_.clear();
  if (names.empty()) return;
  std::size_t capacity = 4;
  shift_ = 62;
  while (capacity < 2 * names.size()) {
    capacity *= 2;
    --shift_;
  }
  entries_.assign(capacity, Entry{});
  mask_ = capacity - 1;
  for (std::size_t slot = 0; slot < names.size(); ++slot) {
    const std::string& name = *names[slot];
    Fingerprint f = fingerprint(name);
    std::size_t i = slot_of(f);
    while (entries_[i].slot != kNotFound) i = (i + 1) & mask_;
    entries_[i] = Entry{f, name.data(), static_cast<int>(slot)};
  }
}

}  // namespace sluice::plugins::schema_validate
