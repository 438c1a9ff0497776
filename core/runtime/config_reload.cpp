#include "runtime/config_reload.hpp"

#include "runtime/pipeline.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <utility>

namespace sluice::runtime {

namespace {

namespace fs = std::filesystem;

std::string plugin_text(const config::StageSpec& s) {
  return s.version_requirement.empty() ? s.plugin : s.plugin + "@" + s.version_requirement;
}

// What the file watcher compares: a change of either means the file was written.
struct FileStamp {
  fs::file_time_type mtime{};
  std::uintmax_t size = 0;
  bool operator==(const FileStamp&) const = default;
};

FileStamp stamp_of(const fs::path& file) {
  std::error_code ec;
  FileStamp s;
  s.mtime = fs::last_write_time(file, ec);
  s.size = ec ? 0 : fs::file_size(file, ec);
  return s;
}

}  // namespace

bool same_config(const sdk::ConfigNode& a, const sdk::ConfigNode& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case sdk::ConfigNode::Type::null: return true;
    case sdk::ConfigNode::Type::scalar: return a.raw_scalar() == b.raw_scalar() && a.is_quoted() == b.is_quoted();
    case sdk::ConfigNode::Type::sequence:
      return std::equal(a.items().begin(), a.items().end(), b.items().begin(), b.items().end(), same_config);
    case sdk::ConfigNode::Type::map: {
      if (a.entries().size() != b.entries().size()) return false;
      for (const sdk::ConfigNode::Entry& e : a.entries()) {
        const sdk::ConfigNode* other = b.find(e.key);
        if (!other || !same_config(e.value, *other)) return false;
      }
      return true;
    }
  }
  return false;
}

ReloadPlan plan_reload(Pipeline& pipeline, const config::PipelineSpec& next) {
  ReloadPlan plan;
  const config::PipelineSpec& running = pipeline.spec();
  auto refuse = [&](std::string why) { plan.refusals.push_back(std::move(why)); };
  auto differs = [](const config::StageSpec& a, const config::StageSpec& b) {
    return a.plugin != b.plugin || a.version_requirement != b.version_requirement || !same_config(a.config, b.config);
  };
  auto swap_of = [](const config::StageSpec& s) {
    SwapRequest r;
    r.stage = s.name;
    r.plugin = s.plugin;
    r.version_requirement = s.version_requirement;
    r.config = s.config;
    r.origin = "reload";
    return r;
  };

  if (next.name != running.name) refuse(fmt::format("the pipeline's name ({} -> {})", running.name, next.name));
  if (next.batch_size != running.batch_size)
    refuse(fmt::format("batch_size ({} -> {})", running.batch_size, next.batch_size));
  if (next.max_in_flight != running.max_in_flight)
    refuse(fmt::format("max_in_flight ({} -> {})", running.max_in_flight, next.max_in_flight));
  if (next.prune_fields != running.prune_fields)
    refuse(fmt::format("prune_fields ({} -> {})", running.prune_fields, next.prune_fields));

  const config::StageSpec& source = pipeline.source().current()->spec;
  if (next.source.name != source.name || differs(next.source, source))
    refuse("the source (" + plugin_text(source) + "): it cannot change while it reads");

  std::vector<std::string> now, then;
  for (auto& slot : pipeline.transforms()) now.push_back(slot->name());
  for (const config::StageSpec& s : next.stages) then.push_back(s.name);
  if (now != then) {
    refuse(
        fmt::format("the stages (names and order: [{}] -> [{}]): stages cannot be added, removed or reordered "
                    "while running",
                    fmt::join(now, ", "), fmt::join(then, ", ")));
  } else {
    for (std::size_t i = 0; i < next.stages.size(); ++i) {
      StageSlot& slot = *pipeline.transforms()[i];
      const config::StageSpec& want = next.stages[i];
      if (want.concurrency != slot.spec().concurrency) refuse("stage '" + want.name + "': concurrency");
      if (want.on_error != slot.spec().on_error) refuse("stage '" + want.name + "': on_error");
      if (differs(want, slot.current()->spec)) plan.swaps.push_back(swap_of(want));
    }
  }

  auto sink_change = [&](StageSlot* slot, const std::optional<config::StageSpec>& want, const char* what) {
    if (!slot || !want) {
      if (slot || want) refuse(std::string(what) + ": it cannot be added or removed while running");
      return;
    }
    const config::StageSpec& have = slot->current()->spec;
    if (want->name != have.name)
      refuse(fmt::format("{}: its name ({} -> {})", what, have.name, want->name));
    else if (want->plugin != have.plugin)
      refuse(fmt::format("{} '{}': its plugin ({} -> {}); only its version and config can change while running", what,
                         have.name, have.plugin, want->plugin));
    else if (differs(*want, have))
      plan.swaps.push_back(swap_of(*want));
  };
  sink_change(&pipeline.sink(), next.sink, "the sink");
  sink_change(pipeline.dead_letter(), next.dead_letter, "the dead-letter sink");
  return plan;
}

ConfigReloader::~ConfigReloader() { stop(); }

void ConfigReloader::start(Pipeline& pipeline, std::filesystem::path file, bool watch) {
  pipeline_ = &pipeline;
  file_ = std::move(file);
  watch_ = watch;
  thread_ = std::thread([this] { loop(); });
}

void ConfigReloader::request() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_one();
}

void ConfigReloader::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void ConfigReloader::loop() {
  FileStamp seen = stamp_of(file_);
  std::unique_lock lock(mutex_);
  for (;;) {
    if (watch_)
      wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return requested_ || stopping_; });
    else
      wake_.wait(lock, [this] { return requested_ || stopping_; });
    if (stopping_) return;
    bool due = std::exchange(requested_, false);
    if (watch_) {
      FileStamp now = stamp_of(file_);
      if (!(now == seen)) {
        seen = now;
        due = true;
      }
    }
    if (!due) continue;
    lock.unlock();
    reload();
    lock.lock();
  }
}

void ConfigReloader::reload() {
  Pipeline& pipeline = *pipeline_;
  const std::string file = file_.string();
  config::PipelineSpec next;
  try {
    next = config::load_pipeline(file_);
  } catch (const sdk::ConfigError& e) {
    pipeline.log_event("reload: " + e.format() + "; nothing changed");
    return;
  } catch (const std::exception& e) {
    pipeline.log_event("reload: cannot read " + file + ": " + e.what() + "; nothing changed");
    return;
  }
  ReloadPlan plan = plan_reload(pipeline, next);
  if (!plan.refusals.empty()) {
    pipeline.log_event(
        fmt::format("reload: {}: refused, these cannot change while the pipeline runs: {}; nothing "
                    "changed (restart to apply them)",
                    file, fmt::join(plan.refusals, "; ")));
    return;
  }
  if (plan.swaps.empty()) {
    pipeline.log_event("reload: " + file + ": no change");
    return;
  }
  std::size_t done = 0;
  for (const SwapRequest& swap : plan.swaps) done += pipeline.swap_stage(swap).ok();
  pipeline.log_event(fmt::format("reload: {}: {} of {} changed stages swapped", file, done, plan.swaps.size()));
}

}  // namespace sluice::runtime
