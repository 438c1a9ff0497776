// An open-addressing hash table from group key bytes to a group index. Keys are copied once,
// into one string owned by the table, so a lookup allocates nothing.
#pragma once

#include <sluice/plugins/common/hash_bytes.hpp>
#include <sluice/plugins/common/short_bytes.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::window_aggregate {

using common::bytes_equal;

// The hash of an encoded group key (GroupTable stores it with the key).
inline uint64_t hash_key(std::string_view key) noexcept { return common::hash_bytes(key); }

// Not thread-safe. Group indices are whatever the caller inserts (the window's group order).
class GroupTable {
 public:
  static constexpr uint32_t kNotFound = UINT32_MAX;

  GroupTable() : slots_(kInitialSlots) {}

  // The group stored for key (whose hash_key is hash), or kNotFound.
  uint32_t find(std::string_view key, uint64_t hash) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.group == kNotFound) return kNotFound;
      if (s.hash == hash && s.length == key.size() && bytes_equal(keys_.data() + s.offset, key.data(), key.size()))
        return s.group;
    }
  }
  // Adds key -> group; key must not be present.
  void insert(std::string_view key, uint64_t hash, uint32_t group);
  std::size_t size() const noexcept { return size_; }

 private:
  static constexpr std::size_t kInitialSlots = 16;
  struct Slot {
    uint64_t hash = 0;
    std::size_t offset = 0;  // key bytes at keys_[offset, offset + length)
    uint32_t length = 0;
    uint32_t group = kNotFound;  // kNotFound marks an empty slot
  };
  void place(const Slot& slot);

  std::vector<Slot> slots_;  // size is a power of two, at most half full
  std::string keys_;
  std::size_t size_ = 0;
};

}  // namespace sluice::plugins::window_aggregate
