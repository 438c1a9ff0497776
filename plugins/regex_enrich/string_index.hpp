// A flat open-addressing hash index from strings to small integers, for the hot path: one
// probe sequence over a contiguous array, no allocation per lookup.
#pragma once

#include <sluice/plugins/common/hash_bytes.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace sluice::plugins::regex_enrich {

// Keys are views: the caller keeps every inserted key's bytes alive and unchanged as long as
// the index is used. Not thread-safe for insert(); find() on an index nobody modifies is safe
// from any number of threads.
class StringIndex {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  // Sized for about `expected` keys before the first growth.
  explicit StringIndex(std::size_t expected = 16);

  static std::size_t hash(std::string_view key) noexcept { return common::hash_bytes(key); }
  // The value stored for key (whose hash() is `h`), or kAbsent.
  uint32_t find(std::string_view key, std::size_t h) const noexcept;
  uint32_t find(std::string_view key) const noexcept { return find(key, hash(key)); }
  // Adds key (not yet present) with `value` (not kAbsent).
  void insert(std::string_view key, std::size_t h, uint32_t value);
  std::size_t size() const noexcept { return count_; }

 private:
  struct Slot {
    std::size_t hash = 0;
    const char* data = nullptr;
    uint32_t size = 0;
    uint32_t value = kAbsent;
  };
  void grow();

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t count_ = 0;
};

}  // namespace sluice::plugins::regex_enrich
