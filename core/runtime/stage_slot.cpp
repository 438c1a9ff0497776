#include "runtime/stage_slot.hpp"

#include <iterator>
#include <utility>

namespace sluice::runtime {

StageInstance::~StageInstance() { stop(); }

bool StageInstance::create(sdk::StageKind kind) {
  stage = plugin->create();
  switch (kind) {
    case sdk::StageKind::source: source = dynamic_cast<sdk::Source*>(stage.get()); return source != nullptr;
    case sdk::StageKind::transform:
      transform = dynamic_cast<sdk::Transform*>(stage.get());
      preparing = dynamic_cast<sdk::PreparingTransform*>(stage.get());
      return transform != nullptr;
    case sdk::StageKind::sink: sink = dynamic_cast<sdk::Sink*>(stage.get()); return sink != nullptr;
  }
  return false;
}

void StageInstance::init(const std::string& name, const std::filesystem::path& directory, uint32_t batch_size,
                         sdk::SinkRole role, bool check_only, const sdk::FieldSet& fields_wanted) {
  wanted = fields_wanted;
  sdk::InitContext ctx{name, spec.config, directory, batch_size, role, check_only, &wanted, &field_use};
  stage->init(ctx);
}

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

std::shared_ptr<StageInstance> StageSlot::current_for(uint64_t sequence, uint64_t committed_below) {
  std::vector<Older> drained;  // destroyed (and stopped, if their last batch is gone) unlocked
  std::shared_ptr<StageInstance> instance;
  {
    std::lock_guard lock(instance_mutex_);
    if (older_.empty()) return instance_;
    auto first_needed = older_.begin();
    while (first_needed != older_.end() && first_needed->until <= committed_below) ++first_needed;
    drained.assign(std::make_move_iterator(older_.begin()), std::make_move_iterator(first_needed));
    older_.erase(older_.begin(), first_needed);
    instance = instance_;
    for (const Older& o : older_) {
      if (sequence < o.until) {
        instance = o.instance;
        break;
      }
    }
  }
  return instance;
}

void StageSlot::exchange_from(uint64_t first, std::shared_ptr<StageInstance> next) noexcept {
  std::lock_guard lock(instance_mutex_);
  older_.push_back(Older{first, std::move(instance_)});  // reserve_switch() made room
  instance_ = std::move(next);
}

void StageSlot::reserve_switch() {
  std::lock_guard lock(instance_mutex_);
  older_.reserve(older_.size() + 1);
}

void StageSlot::drop_older() {
  std::vector<Older> drained;
  std::lock_guard lock(instance_mutex_);
  drained.swap(older_);
}

bool StageSlot::install_pending(std::shared_ptr<PendingSwap> swap, uint64_t first) {
  std::lock_guard lock(mutex_);
  if (pending_) return false;
  pending_ = std::move(swap);
  pending_from_.store(first, std::memory_order_release);
  pending_flag_.store(true, std::memory_order_release);
  return true;
}

std::shared_ptr<PendingSwap> StageSlot::take_pending() {
  std::lock_guard lock(mutex_);
  pending_flag_.store(false, std::memory_order_release);
  pending_from_.store(0, std::memory_order_release);
  return std::exchange(pending_, nullptr);
}

bool StageSlot::withdraw_pending(const std::shared_ptr<PendingSwap>& swap) {
  std::lock_guard lock(mutex_);
  if (pending_ != swap) return false;
  pending_.reset();
  pending_flag_.store(false, std::memory_order_release);
  pending_from_.store(0, std::memory_order_release);
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
