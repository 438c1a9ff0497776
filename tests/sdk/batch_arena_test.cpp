// sdk::BatchArena, the resource a batch's values are built on: aligned, non-overlapping
// allocations of every size, memory drawn from the batch's blocks and given back with them.
#include <sluice/sdk/batch.hpp>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace json = boost::json;
using sluice::sdk::Batch;
using sluice::sdk::BatchArena;

namespace {

// An upstream that counts what it hands out and gets back.
class CountingResource : public json::memory_resource {
 public:
  std::size_t live_blocks = 0;
  std::size_t live_bytes = 0;
  std::size_t peak_bytes = 0;

 private:
  void* do_allocate(std::size_t n, std::size_t align) override {
    ++live_blocks;
    live_bytes += n;
    peak_bytes = std::max(peak_bytes, live_bytes);
    return ::operator new(n, std::align_val_t(align));
  }
  void do_deallocate(void* p, std::size_t n, std::size_t align) override {
    --live_blocks;
    live_bytes -= n;
    ::operator delete(p, std::align_val_t(align));
  }
  bool do_is_equal(const json::memory_resource& other) const noexcept override { return this == &other; }
};

struct Piece {
  unsigned char* p;
  std::size_t n;
  unsigned char fill;
};

}  // namespace

TEST_CASE("a batch's storage is a BatchArena whose values skip deallocation") {
  Batch batch(0);
  CHECK(dynamic_cast<BatchArena*>(batch.storage().get()) != nullptr);
  CHECK(batch.storage().is_not_shared_and_deallocate_is_trivial());
  json::value v = json::parse(R"({"a":"a string longer than the small buffer","b":[1,2,3]})", batch.storage());
  CHECK(v.storage() == batch.storage());
  CHECK(v.at("a").get_string() == "a string longer than the small buffer");
}

TEST_CASE("BatchArena allocations are aligned and do not overlap, whatever their size") {
  CountingResource upstream;
  {
    Batch batch(0, 4096, json::storage_ptr(&upstream));
    json::memory_resource& arena = *batch.storage().get();
    // Small and large requests in turn, at every power-of-two alignment up to 64, and the
    // edge sizes: 0, a quarter chunk (the largest taken from a chunk) and one byte more.
    const std::size_t quarter = BatchArena::kChunkBytes / 4;
    std::vector<std::size_t> sizes = {0, 1, 3, 8, 24, 40, 100, 1000, quarter, quarter + 1, 3 * BatchArena::kChunkBytes};
    for (std::size_t i = 0; i < 3000; ++i) sizes.push_back(1 + (i * 37) % 200);
    std::vector<Piece> pieces;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const std::size_t align = std::size_t{1} << (i % 7);
      auto* p = static_cast<unsigned char*>(arena.allocate(sizes[i], align));
      REQUIRE(p != nullptr);
      CHECK(reinterpret_cast<std::uintptr_t>(p) % align == 0);
      const auto fill = static_cast<unsigned char>(i);
      std::memset(p, fill, sizes[i]);
      pieces.push_back(Piece{p, sizes[i], fill});
    }
    // Every piece still holds what was written into it: no later allocation overlapped it.
    for (const Piece& piece : pieces)
      CHECK(std::all_of(piece.p, piece.p + piece.n, [&](unsigned char c) { return c == piece.fill; }));
    std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return a.p < b.p; });
    for (std::size_t i = 1; i < pieces.size(); ++i) CHECK(pieces[i - 1].p + pieces[i - 1].n <= pieces[i].p);
  }
  // Everything came from the batch's blocks, and went back with them. (Only blocks are
  // counted: Boost.JSON 1.81's monotonic_resource gives a block back with a size smaller than
  // it asked for by its header.)
  CHECK(upstream.live_blocks == 0);
}

TEST_CASE("BatchArena wastes little of the blocks it draws on") {
  CountingResource upstream;
  std::size_t used = 0;
  {
    Batch batch(0, 64 * 1024, json::storage_ptr(&upstream));
    // About what parsing two thousand records allocates: many pieces of up to 200 bytes.
    for (std::size_t i = 0; i < 100'000; ++i) {
      const std::size_t n = 8 + (i * 53) % 193;
      batch.storage()->allocate(n, 8);
      used += n;
    }
  }
  // The blocks grow by doubling (as a monotonic_resource's do), so up to half of the last one
  // may be unused; what the chunks leave at their ends adds a few percent at most.
  CHECK(upstream.peak_bytes < used * 2 + 64 * 1024);
  CHECK(upstream.live_blocks == 0);
}
