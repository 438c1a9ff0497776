// The memory resource a batch's values are built on (Batch::storage()).
#pragma once

#include <boost/json/memory_resource.hpp>
#include <boost/json/monotonic_resource.hpp>

#include <cstddef>
#include <cstdint>
#include <new>

namespace sluice::sdk {
inline namespace v1 {

// A bump allocator over chunks of a batch's block arena. Parsing one record takes some fifty
// allocations (every key, every longer string, every object's table), each a virtual call:
// the monotonic resource's handles every alignment generically in libboost_json, about 34
// instructions; this one's usual path is a few. Nothing is ever freed before the batch is.
//
// Batch builds it inside the memory of its monotonic_resource, which it draws its chunks from,
// so that it lives exactly as long as that memory does and needs no destruction of its own.
// Not thread-safe, like the batch it serves.
class BatchArena final : public boost::json::memory_resource {
 public:
  // What is taken from the blocks at a time. Requests of more than a quarter of it go to the
  // blocks on their own, so at most a quarter of a chunk is left unused at its end.
  static constexpr std::size_t kChunkBytes = 32 * 1024;

  // Constructs an arena in memory taken from `blocks`.
  static BatchArena* create_in(boost::json::monotonic_resource& blocks) {
    return ::new (blocks.allocate(sizeof(BatchArena), alignof(BatchArena))) BatchArena(blocks);
  }

  BatchArena(const BatchArena&) = delete;
  BatchArena& operator=(const BatchArena&) = delete;

 private:
  explicit BatchArena(boost::json::monotonic_resource& blocks) noexcept : blocks_(&blocks) {}

  // align is a power of two (memory_resource's contract). No request comes near 2^63 bytes,
  // so begin + n does not wrap; n == 0 takes the slow path, which never returns null.
  void* do_allocate(std::size_t n, std::size_t align) override {
    const std::uintptr_t begin = (next_ + (align - 1)) & ~static_cast<std::uintptr_t>(align - 1);
    const std::uintptr_t end = begin + n;
    if (end <= end_ && end > begin) [[likely]] {
      next_ = end;
      return reinterpret_cast<void*>(begin);
    }
    return refill(n, align);
  }

  // Out of line, so that the usual path above needs no stack frame.
  [[gnu::noinline]] void* refill(std::size_t n, std::size_t align) {
    if (n == 0) n = 1;
    if (n > kChunkBytes / 4 || align > kChunkBytes / 4) return blocks_->allocate(n, align);
    const auto chunk = reinterpret_cast<std::uintptr_t>(blocks_->allocate(kChunkBytes, alignof(std::max_align_t)));
    const std::uintptr_t begin = (chunk + (align - 1)) & ~static_cast<std::uintptr_t>(align - 1);
    next_ = begin + n;
    end_ = chunk + kChunkBytes;
    return reinterpret_cast<void*>(begin);
  }

  void do_deallocate(void*, std::size_t, std::size_t) override {}
  bool do_is_equal(const boost::json::memory_resource& other) const noexcept override { return this == &other; }

  boost::json::monotonic_resource* blocks_;
  std::uintptr_t next_ = 0;  // the current chunk's first free byte
  std::uintptr_t end_ = 0;   // and its end
};

}  // namespace v1
}  // namespace sluice::sdk

// Values on this resource skip their destructors' deallocation, as on a monotonic_resource.
template <>
struct boost::json::is_deallocate_trivial<sluice::sdk::v1::BatchArena> {
  static constexpr bool value = true;
};
