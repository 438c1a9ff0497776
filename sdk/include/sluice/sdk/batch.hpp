// The unit of work: a batch of records that share one arena and travel the pipeline together.
#pragma once

#include "sluice/sdk/batch_arena.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::sdk {
inline namespace v1 {

// What became of a record. Only alive records reach the sink; every other fate is final.
enum class Fate : uint8_t {
  alive,     // still flowing
  filtered,  // dropped on purpose by a stage (counted, not an error)
  dead,      // rejected: goes to the dead-letter sink with stage, reason and detail
  absorbed,  // consumed by an aggregating stage (counted as delivered)
};

// Why a record was rejected. All three views point into the owning batch's arena.
struct DeadLetter {
  std::string_view stage;
  std::string_view reason;
  std::string_view detail;
};

// One record. Owned by its Batch; lives exactly as long as the batch.
struct Record {
  // The record's value, allocated in the batch arena (null until a parse stage fills it).
  // Replace it only with values built on batch.storage(), or the move becomes a copy.
  boost::json::value value;
  // The input line as read, without its '\n' and one '\r' before it. Views the batch input
  // or the batch arena; empty for records a stage emitted.
  std::string_view raw;
  // 1-based input line number; 0 for records a stage emitted (aggregates, for example).
  uint64_t line = 0;
  Fate fate = Fate::alive;
  // Set when fate == Fate::dead; allocated in the batch arena.
  const DeadLetter* dead = nullptr;

  bool alive() const noexcept { return fate == Fate::alive; }
};

// Per-batch fate counts, kept by the Batch methods below; the host turns their differences
// across a stage call into that stage's counters.
struct BatchCounts {
  uint64_t dead = 0;
  uint64_t filtered = 0;
  uint64_t absorbed = 0;
  uint64_t emitted = 0;
};

// A batch of records in source order plus everything they point into. Created by the host,
// filled by a source, passed by reference to one stage at a time (a stage never sees a batch
// concurrently with another stage, and never keeps a pointer into it after the call
// returns), and freed at once after the sinks are done with it. Not thread-safe: one
// thread touches a batch at a time.
class Batch {
 public:
  // initial_arena_bytes sizes the arena's first block; it grows in further blocks as needed,
  // taken from `upstream` (the host passes a resource that recycles blocks between batches,
  // so that their pages stay mapped; the default allocates with new/delete). upstream must
  // outlive the batch. Values are built on a BatchArena that lives in those blocks.
  explicit Batch(uint64_t sequence, std::size_t initial_arena_bytes = 64 * 1024,
                 boost::json::storage_ptr upstream = {})
      : sequence_(sequence),
        arena_(initial_arena_bytes, std::move(upstream)),
        storage_(BatchArena::create_in(arena_)) {}
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
  ~Batch() { records_.clear(); }  // values go before the arena they live in

  // Position of this batch in source order, starting at 0, without gaps.
  uint64_t sequence() const noexcept { return sequence_; }
  // True for the last batch of a run: it holds no input records and reaches every stage
  // after all others. Stages that hold state (windows, buffers) emit what remains here.
  bool is_final() const noexcept { return final_; }

  // The arena every value of this batch lives in. Use it for every value you build.
  const boost::json::storage_ptr& storage() const noexcept { return storage_; }
  // Copies s into the arena; the view lives as long as the batch.
  std::string_view copy_string(std::string_view s) {
    if (s.empty()) return {};
    char* p = static_cast<char*>(arena_.allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  // The raw input bytes a source reads into. Fill it before adding records that view it:
  // growing it afterwards would leave their raw views dangling.
  std::string& input() noexcept { return input_; }
  // Adds an input record whose raw text is `raw` (a view into input() or the arena).
  Record& add_line(std::string_view raw, uint64_t line) {
    Record& r = records_.emplace_back(Record{boost::json::value(storage_), raw, line});
    return r;
  }
  // Adds a record a stage created (an aggregate row, say); it flows on like any record.
  Record& emit(boost::json::value value) {
    ++counts_.emitted;
    Record& r = records_.emplace_back(Record{boost::json::value(storage_), {}, 0});
    r.value = std::move(value);
    return r;
  }
  void reserve(std::size_t records) { records_.reserve(records); }

  std::vector<Record>& records() noexcept { return records_; }
  const std::vector<Record>& records() const noexcept { return records_; }
  std::size_t size() const noexcept { return records_.size(); }

  // Sends r to the dead letter: reason is a short machine word (`parse_error`), detail says
  // what exactly (`/latency_ms: minimum`). Both are copied. Only for alive records.
  void dead_letter(Record& r, std::string_view reason, std::string_view detail) {
    auto* d = static_cast<DeadLetter*>(arena_.allocate(sizeof(DeadLetter), alignof(DeadLetter)));
    new (d) DeadLetter{stage_, copy_string(reason), copy_string(detail)};
    r.dead = d;
    r.fate = Fate::dead;
    ++counts_.dead;
  }
  // Drops r on purpose; it is counted as filtered.
  void filter(Record& r) noexcept {
    r.fate = Fate::filtered;
    ++counts_.filtered;
  }
  // Marks r as consumed by an aggregate; it counts as delivered.
  void absorb(Record& r) noexcept {
    r.fate = Fate::absorbed;
    ++counts_.absorbed;
  }

  const BatchCounts& counts() const noexcept { return counts_; }

  // --- for the host (and the SDK test harness) ---
  void set_final(bool final) noexcept { final_ = final; }
  void set_stage(std::string_view stage_name) { stage_ = copy_string(stage_name); }
  std::string_view stage() const noexcept { return stage_; }
  std::chrono::steady_clock::time_point created() const noexcept { return created_; }
  void set_created(std::chrono::steady_clock::time_point t) noexcept { created_ = t; }
  // Bytes of input this batch covers (for progress); set by the source.
  uint64_t input_offset_end = 0;

 private:
  uint64_t sequence_;
  bool final_ = false;
  boost::json::monotonic_resource arena_;
  boost::json::storage_ptr storage_;
  std::string input_;
  std::vector<Record> records_;
  std::string_view stage_;
  BatchCounts counts_;
  std::chrono::steady_clock::time_point created_{};
};

}  // namespace v1
}  // namespace sluice::sdk
