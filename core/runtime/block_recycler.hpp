// Memory blocks for batch arenas and input buffers, recycled from batch to batch.
#pragma once

#include <boost/json/memory_resource.hpp>
#include <boost/json/storage_ptr.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sluice::runtime {

// An upstream memory resource for batch arenas that keeps the blocks a finished batch gives
// back and hands them to the next batch asking for the same size. A fresh batch then writes
// into pages that are already mapped instead of faulting in new ones (a large share of the
// cost of parsing, measured). Holds at most what the batches in flight used at their peak.
// Thread-safe: batches are created and destroyed on different threads.
class BlockRecycler : public boost::json::memory_resource {
 public:
  BlockRecycler() = default;
  ~BlockRecycler() override;
  BlockRecycler(const BlockRecycler&) = delete;
  BlockRecycler& operator=(const BlockRecycler&) = delete;

  // A non-owning storage_ptr to this resource, for sdk::Batch's upstream.
  boost::json::storage_ptr storage() noexcept { return boost::json::storage_ptr(this); }

  // Input buffers: take one (empty, with the capacity a previous batch left) and give it back.
  std::string take_input_buffer();
  void give_back_input_buffer(std::string buffer);

 private:
  void* do_allocate(std::size_t n, std::size_t align) override;
  void do_deallocate(void* p, std::size_t n, std::size_t align) noexcept override;
  bool do_is_equal(const memory_resource& other) const noexcept override { return this == &other; }

  std::mutex mutex_;
  std::map<std::size_t, std::vector<void*>> free_blocks_;  // by size
  std::vector<std::string> free_inputs_;
};

}  // namespace sluice::runtime
