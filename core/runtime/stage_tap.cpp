#include "runtime/stage_tap.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <utility>

namespace sluice::runtime {

namespace {

std::string serialise(const sdk::Record& r, bool dead_letter) {
  if (dead_letter) {
    boost::json::object o;
    o["line"] = r.line;
    if (r.dead) {
      o["stage"] = boost::json::string_view(r.dead->stage.data(), r.dead->stage.size());
      o["reason"] = boost::json::string_view(r.dead->reason.data(), r.dead->reason.size());
      o["detail"] = boost::json::string_view(r.dead->detail.data(), r.dead->detail.size());
    }
    return boost::json::serialize(o);
  }
  if (r.value.is_null() && !r.raw.empty())
    return boost::json::serialize(boost::json::string(r.raw.data(), r.raw.size()));
  return boost::json::serialize(r.value);
}

}  // namespace

void StageTap::offer(const sdk::Batch& batch, bool dead_letters) noexcept {
  try {
    std::lock_guard lock(mutex_);
    bool added = false;
    for (const sdk::Record& r : batch.records()) {
      if (records_.size() >= limit_) break;
      if (dead_letters ? r.fate != sdk::Fate::dead : !r.alive()) continue;
      records_.push_back(serialise(r, dead_letters));
      added = true;
    }
    if (records_.size() >= limit_) active_.store(false, std::memory_order_relaxed);
    if (added) changed_.notify_all();
  } catch (...) {
    // A sample is best effort: out of memory here must not fail the batch.
    active_.store(false, std::memory_order_relaxed);
    changed_.notify_all();
  }
}

std::vector<std::string> StageTap::sample(std::size_t limit, std::chrono::milliseconds timeout,
                                          const std::function<bool()>& stopped) {
  std::lock_guard one_at_a_time(sampling_);
  std::unique_lock lock(mutex_);
  limit_ = std::clamp<std::size_t>(limit, 1, kMaxRecords);
  records_.clear();
  active_.store(true, std::memory_order_relaxed);
  changed_.wait_for(lock, timeout, [&] { return records_.size() >= limit_ || stopped(); });
  active_.store(false, std::memory_order_relaxed);
  limit_ = 0;
  return std::exchange(records_, {});
}

void StageTap::wake() {
  std::lock_guard lock(mutex_);
  changed_.notify_all();
}

}  // namespace sluice::runtime
