#include "runtime/block_recycler.hpp"

#include <new>

namespace sluice::runtime {

namespace {
constexpr std::size_t kMaxFreeInputs = 64;
// Each block starts with a header holding its size: Boost.JSON 1.81's monotonic_resource gives
// blocks back with a smaller size than it asked for, so the size passed to do_deallocate
// cannot be trusted to find the block's bucket again.
constexpr std::size_t kHeader = alignof(std::max_align_t);
constexpr std::align_val_t kAlign{alignof(std::max_align_t)};

void* header_of(void* user) { return static_cast<unsigned char*>(user) - kHeader; }
}  // namespace

BlockRecycler::~BlockRecycler() {
  for (auto& [size, blocks] : free_blocks_)
    for (void* p : blocks) ::operator delete(header_of(p), kAlign);
}

void* BlockRecycler::do_allocate(std::size_t n, std::size_t /*align*/) {
  {
    std::lock_guard lock(mutex_);
    auto it = free_blocks_.find(n);
    if (it != free_blocks_.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      return p;
    }
  }
  void* raw = ::operator new(n + kHeader, kAlign);
  *static_cast<std::size_t*>(raw) = n;
  return static_cast<unsigned char*>(raw) + kHeader;
}

void BlockRecycler::do_deallocate(void* p, std::size_t /*n*/, std::size_t /*align*/) noexcept {
  const std::size_t size = *static_cast<std::size_t*>(header_of(p));
  std::lock_guard lock(mutex_);
  try {
    free_blocks_[size].push_back(p);
  } catch (...) {
    ::operator delete(header_of(p), kAlign);
  }
}

std::string BlockRecycler::take_input_buffer() {
  std::lock_guard lock(mutex_);
  if (free_inputs_.empty()) return {};
  std::string s = std::move(free_inputs_.back());
  free_inputs_.pop_back();
  s.clear();
  return s;
}

void BlockRecycler::give_back_input_buffer(std::string buffer) {
  std::lock_guard lock(mutex_);
  if (free_inputs_.size() < kMaxFreeInputs) free_inputs_.push_back(std::move(buffer));
}

}  // namespace sluice::runtime
