// Writes the synthetic event lines of the generate source, one step at a time.
#pragma once

#include "rng.hpp"

#include <cstddef>
#include <cstdint>

namespace sluice::plugins::generate {

struct EventMix {
  int64_t start_ms = 0;             // event time of the first event (ms since the epoch)
  double events_per_second = 1000;  // event-time density
  double malformed_rate = 0.01;     // lines that are not JSON objects
  double invalid_rate = 0.02;       // objects that break the reference schema
  double late_rate = 0.003;         // events far behind the stream's event time
  double blank_rate = 0.001;        // blank lines after an event (not records)
};

// A deterministic stream of events: the n-th step depends only on the seed and the mix, never
// on how the steps are batched. Not thread-safe.
class EventWriter {
 public:
  // The most bytes one step writes (an event line, its '\n', and perhaps a blank line).
  static constexpr std::size_t kMaxStepBytes = 4096;

  struct Step {
    std::size_t record_bytes;  // the event line, without its '\n'
    std::size_t bytes;         // everything written, blank line included
    uint32_t lines;            // 1, or 2 with a blank line
  };

  EventWriter(uint64_t seed, const EventMix& mix) noexcept;

  // Writes the next step at `out`, which must have room for kMaxStepBytes.
  Step write_next(char* out) noexcept;
  uint64_t events_written() const noexcept { return index_; }

 private:
  enum class Defect : uint8_t;

  Defect draw_defect() noexcept;
  char* write_event(char* out, uint64_t index, Defect defect) noexcept;
  std::size_t malform(char* line, std::size_t size, Defect defect) noexcept;

  Rng rng_;
  EventMix mix_;
  uint64_t index_ = 0;
};

}  // namespace sluice::plugins::generate
