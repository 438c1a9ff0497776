#include "runtime/stage_slot.hpp"

namespace sluice::runtime {

StageInstance::~StageInstance() { stop(); }

void StageInstance::start() {
  stage->start();
  started_.store(true, std::memory_order_release);
}

std::string StageInstance::stop() noexcept {
  if (!started_.load(std::memory_order_acquire) || stopped_.exchange(true, std::memory_order_acq_rel)) return {};
  try {
    stage->stop();
    return {};
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

const char* role_name(SlotRole role) {
  switch (role) {
    case SlotRole::source: return "source";
    case SlotRole::transform: return "transform";
    case SlotRole::sink: return "sink";
    case SlotRole::dead_letter: return "dead_letter";
  }
  return "?";
}

bool StageSlot::install_pending(std::shared_ptr<PendingSwap> swap) {
  std::lock_guard lock(mutex_);
  if (pending_) return false;
  pending_ = std::move(swap);
  pending_flag_.store(true, std::memory_order_release);
  return true;
}

std::shared_ptr<PendingSwap> StageSlot::take_pending() {
  std::lock_guard lock(mutex_);
  pending_flag_.store(false, std::memory_order_release);
  return std::exchange(pending_, nullptr);
}

bool StageSlot::withdraw_pending(const std::shared_ptr<PendingSwap>& swap) {
  std::lock_guard lock(mutex_);
  if (pending_ != swap) return false;
  pending_.reset();
  pending_flag_.store(false, std::memory_order_release);
  return true;
}

std::string StageSlot::last_swap_error() const {
  std::lock_guard lock(mutex_);
  return last_swap_error_;
}

void StageSlot::set_last_swap_error(std::string error) {
  std::lock_guard lock(mutex_);
  last_swap_error_ = std::move(error);
}

}  // namespace sluice::runtime
