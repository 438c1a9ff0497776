#include "window_snapshot.hpp"

#include "byte_codec.hpp"
#include "group_key.hpp"
#include "group_table.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>
#include <vector>

namespace sluice::plugins::window_aggregate {

std::string encode_state(const AggregateSpec& spec, std::optional<int64_t> max_ts, const OpenWindows& windows) {
  std::string out;
  ByteWriter w(out);
  w.u32(kStateMagic);
  w.u32(kStateVersion);
  w.bytes(spec.state_signature());
  w.u8(max_ts ? 1 : 0);
  w.i64(max_ts.value_or(0));
  w.u32(static_cast<uint32_t>(windows.windows().size()));
  for (const auto& [start, window] : windows.windows()) {
    w.i64(start);
    w.u32(static_cast<uint32_t>(window.group_count()));
    for (uint32_t g = 0; g < window.group_count(); ++g) {
      for (std::size_t k = 0; k < spec.group_by.size(); ++k) w.bytes(boost::json::serialize(window.key_value(g, k)));
      w.u64(window.records(g));
      for (std::size_t f = 0; f < spec.value_fields.size(); ++f) {
        const FieldStats& s = window.stats(g, f);
        w.u64(s.count);
        w.f64(s.sum);
        w.f64(s.min);
        w.f64(s.max);
      }
      for (int s = 0; s < spec.sketch_count; ++s) window.sketch(g, static_cast<std::size_t>(s)).encode(w);
    }
  }
  return out;
}

std::optional<int64_t> decode_state(std::string_view state, const AggregateSpec& spec, OpenWindows& windows) {
  ByteReader in(state);
  if (state.size() < 8 || in.u32() != kStateMagic) throw std::runtime_error("not a window_aggregate state");
  const uint32_t version = in.u32();
  if (version != kStateVersion)
    throw std::runtime_error("unsupported window_aggregate state version " + std::to_string(version) +
                             " (this build reads version " + std::to_string(kStateVersion) + ")");
  const std::string_view signature = in.bytes();
  if (signature != spec.state_signature())
    throw std::runtime_error("window_aggregate state was saved with another configuration (" + std::string(signature) +
                             "; this stage: " + spec.state_signature() + ")");
  std::optional<int64_t> max_ts;
  const bool has_max_ts = in.u8() != 0;
  const int64_t saved_max_ts = in.i64();
  if (has_max_ts) {
    if (saved_max_ts > kMaxTimestampMagnitude || saved_max_ts < -kMaxTimestampMagnitude)
      throw std::runtime_error("window_aggregate state: max_ts out of range");
    max_ts = saved_max_ts;
  }

  const std::size_t key_count = spec.group_by.size();
  std::vector<boost::json::value> keys(key_count);
  std::vector<const boost::json::value*> key_ptrs(key_count);
  GroupKey key;
  const uint32_t window_count = in.u32();
  bool first = true;
  int64_t previous_start = 0;
  for (uint32_t i = 0; i < window_count; ++i) {
    const int64_t start = in.i64();
    if (!first && start <= previous_start) throw std::runtime_error("window_aggregate state: windows out of order");
    first = false;
    previous_start = start;
    Window& window = windows.at(start);
    const uint32_t groups = in.u32();
    in.expect_items(groups, sizeof(uint64_t));
    for (uint32_t g = 0; g < groups; ++g) {
      key.clear();
      for (std::size_t k = 0; k < key_count; ++k) {
        boost::system::error_code ec;
        keys[k] = boost::json::parse(in.bytes(), ec);
        if (ec) throw std::runtime_error("window_aggregate state: bad group key");
        key_ptrs[k] = &keys[k];
        key.append(key_ptrs[k]);
      }
      const std::size_t before = window.group_count();
      const uint32_t group = window.group_for(key.view(), hash_key(key.view()), key_ptrs);
      if (window.group_count() != before + 1) throw std::runtime_error("window_aggregate state: duplicate group");
      window.records(group) = in.u64();
      for (std::size_t f = 0; f < spec.value_fields.size(); ++f) {
        FieldStats& s = window.stats(group, f);
        s.count = in.u64();
        s.sum = in.f64();
        s.min = in.f64();
        s.max = in.f64();
      }
      for (int s = 0; s < spec.sketch_count; ++s) {
        QuantileSketch sketch = QuantileSketch::decode(in);
        if (sketch.relative_accuracy() != spec.sketch_relative_accuracy)
          throw std::runtime_error("window_aggregate state: sketch accuracy differs");
        window.sketch(group, static_cast<std::size_t>(s)) = std::move(sketch);
      }
    }
  }
  if (!in.at_end()) throw std::runtime_error("window_aggregate state: trailing bytes");
  return max_ts;
}

}  // namespace sluice::plugins::window_aggregate
