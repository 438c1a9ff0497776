// The saved state of a window_aggregate stage (for hot swap): every open window with its
// groups, and max_ts. A binary, little-endian format:
//
//   u32 magic "SLWA" | u32 version | bytes spec signature | u8 has_max_ts | i64 max_ts |
//   u32 windows, each: i64 start | u32 groups, each:
//     bytes key value (JSON text) per group-by field | u64 records |
//     (u64 count, f64 sum, f64 min, f64 max) per value field | sketch per sketch slot
//
// where bytes is a u32 length and the bytes. A reader refuses other versions.
#pragma once

#include "aggregate_spec.hpp"
#include "window.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::plugins::window_aggregate {

inline constexpr uint32_t kStateMagic = 0x41574C53;  // "SLWA" in little-endian bytes
inline constexpr uint32_t kStateVersion = 1;

std::string encode_state(const AggregateSpec& spec, std::optional<int64_t> max_ts, const OpenWindows& windows);

// Reads a state written by encode_state for a spec with the same state_signature() into
// `windows` (which must be empty) and returns its max_ts. Throws std::runtime_error for
// another magic or version, another signature, or a truncated or inconsistent state.
std::optional<int64_t> decode_state(std::string_view state, const AggregateSpec& spec, OpenWindows& windows);

}  // namespace sluice::plugins::window_aggregate
