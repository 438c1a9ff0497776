// A precomputed hash table from member names to small slot numbers, so an object's members can
// be matched against all of a schema's property names in one pass over the object.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::schema_validate {

class PropertyIndex {
 public:
  static constexpr int kNotFound = -1;

  // Builds the index over `names` (distinct); name i gets slot i. The index copies nothing:
  // `names` must outlive it and stay where it is.
  void build(const std::vector<const std::string*>& names);

  std::size_t size() const noexcept { return size_; }

  // The slot of `key`, or kNotFound. No allocation; one hash and usually one probe.
  int find(std::string_view key) const noexcept {
    if (entries_.empty()) return kNotFound;
    Fingerprint f = fingerprint(key);
    for (std::size_t i = slot_of(f);; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.slot == kNotFound) return kNotFound;
      if (e.print.length == f.length && e.print.head == f.head && e.print.tail == f.tail &&
          (f.length <= 16 || std::memcmp(e.data, key.data(), key.size()) == 0))
        return e.slot;
    }
  }

 private:
  // Two overlapping loads that together cover every byte of a key of up to 16 bytes, so for
  // such keys equal fingerprints mean equal keys.
  struct Fingerprint {
    uint64_t head = 0;
    uint64_t tail = 0;
    std::size_t length = 0;
  };
  struct Entry {
    Fingerprint print;
    const char* data = nullptr;
    int slot = kNotFound;
  };

  static uint64_t load(const char* p, std::size_t n) noexcept {
    uint64_t v = 0;
    std::memcpy(&v, p, n);
    return v;
  }
  static Fingerprint fingerprint(std::string_view key) noexcept {
    const char* p = key.data();
    std::size_t n = key.size();
    if (n >= 8) return {load(p, 8), load(p + n - 8, 8), n};
    if (n >= 4) return {load(p, 4), load(p + n - 4, 4), n};
    if (n > 0)
      return {static_cast<uint64_t>(static_cast<unsigned char>(p[0])) |
                  static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
                  static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16,
              0, n};
    return {0, 0, 0};
  }
  // Multiplicative hashing: the top bits of the product pick the table slot.
  std::size_t slot_of(const Fingerprint& f) const noexcept {
    uint64_t h = ((f.head + f.length) ^ (f.tail * 0xC2B2AE3D27D4EB4Full)) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(h >> shift_);
  }

  std::vector<Entry> entries_;  // open addressing, linear probing, at most half full
  std::size_t mask_ = 0;
  unsigned shift_ = 64;
  std::size_t size_ = 0;
};

}  // namespace sluice::plugins::schema_validate
