#include "runtime/pipeline.hpp"

#include "config/did_you_mean.hpp"
#include "graph/pipeline_graph.hpp"
#include "plugin/option_check.hpp"

#include <tbb/info.h>

#include <exception>

namespace sluice::runtime {

namespace {

const char* role_name(sdk::StageKind kind) { return plugin::kind_name(kind); }

}  // namespace

Pipeline::Pipeline(config::PipelineSpec spec, plugin::PluginRegistry& registry, const AssembleOptions& options)
    : spec_(std::move(spec)) {
  threads_ = options.threads ? options.threads : static_cast<uint32_t>(tbb::info::default_concurrency());
  batch_size_ = options.batch_size ? options.batch_size : spec_.batch_size;
  max_in_flight_ = options.max_in_flight ? options.max_in_flight
                   : spec_.max_in_flight ? spec_.max_in_flight
                                         : 2 * threads_ + 2;

  auto make_slot = [&](const config::StageSpec& s, sdk::StageKind kind, sdk::SinkRole role) {
    std::shared_ptr<StageInstance> instance = instantiate(s, kind, registry, role, options.check_only);
    uint32_t concurrency = 1;
    if (kind == sdk::StageKind::transform && instance->description().threading == sdk::Threading::reentrant)
      concurrency = s.concurrency.value_or(threads_);
    else if (s.concurrency && *s.concurrency > 1)
      throw sdk::ConfigError(s.mark,
                             "stage '" + s.name + "' cannot run with concurrency " + std::to_string(*s.concurrency),
                             "plugin " + instance->description().name + " is " +
                                 (kind == sdk::StageKind::transform ? "serial" : std::string(role_name(kind))) +
                                 ": it processes one batch at a time, in order");
    return std::make_unique<StageSlot>(s, std::move(instance), concurrency);
  };

  source_ = make_slot(spec_.source, sdk::StageKind::source, sdk::SinkRole::records);
  for (const config::StageSpec& s : spec_.stages)
    transforms_.push_back(make_slot(s, sdk::StageKind::transform, sdk::SinkRole::records));
  sink_ = make_slot(spec_.sink, sdk::StageKind::sink, sdk::SinkRole::records);
  if (spec_.dead_letter)
    dead_letter_ = make_slot(*spec_.dead_letter, sdk::StageKind::sink, sdk::SinkRole::dead_letters);
}

Pipeline::~Pipeline() {
  // Stages go before their libraries: each StageInstance holds its LoadedPlugin, so dropping
  // the slots destroys stage objects first and unloads libraries last.
  dead_letter_.reset();
  sink_.reset();
  transforms_.clear();
  source_.reset();
}

std::vector<StageSlot*> Pipeline::slots() {
  std::vector<StageSlot*> out{source_.get()};
  for (auto& t : transforms_) out.push_back(t.get());
  out.push_back(sink_.get());
  if (dead_letter_) out.push_back(dead_letter_.get());
  return out;
}

std::shared_ptr<StageInstance> Pipeline::instantiate(const config::StageSpec& s, sdk::StageKind kind,
                                                     plugin::PluginRegistry& registry, sdk::SinkRole role,
                                                     bool check_only) {
  auto instance = std::make_shared<StageInstance>();
  try {
    instance->plugin = registry.load(s.plugin, s.version_requirement);
  } catch (const plugin::PluginError& e) {
    std::string close = config::closest_match(s.plugin, registry.candidate_names());
    throw sdk::ConfigError(s.plugin_mark, e.what(),
                           close.empty() || close == s.plugin ? "run `sluice plugins` to list what is installed"
                                                              : "did you mean '" + close + "'?");
  }
  const plugin::PluginDescription& d = instance->description();
  if (d.kind != kind)
    throw sdk::ConfigError(s.plugin_mark,
                           "plugin " + d.name + " is a " + role_name(d.kind) + ", but this place needs a " +
                               role_name(kind),
                           "sources go under source:, transforms under stages:, sinks under sink: / dead_letter:");
  plugin::check_options(d, s.config, s.mark);
  instance->stage = instance->plugin->create();
  switch (kind) {
    case sdk::StageKind::source: instance->source = dynamic_cast<sdk::Source*>(instance->stage.get()); break;
    case sdk::StageKind::transform: instance->transform = dynamic_cast<sdk::Transform*>(instance->stage.get()); break;
    case sdk::StageKind::sink: instance->sink = dynamic_cast<sdk::Sink*>(instance->stage.get()); break;
  }
  if (!instance->source && !instance->transform && !instance->sink)
    throw sdk::ConfigError(s.plugin_mark, "plugin " + d.name + " (" + d.file.string() + ") declares kind " +
                                              role_name(kind) + " but its stage does not implement it");
  sdk::InitContext ctx{s.name, s.config, spec_.directory(), batch_size_, role, check_only};
  try {
    instance->stage->init(ctx);
  } catch (const sdk::ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw sdk::ConfigError(s.mark, "stage '" + s.name + "' (" + d.name + " " + d.version +
                                       ") failed to initialise: " + e.what());
  }
  return instance;
}

void Pipeline::run(RunState& state) {
  std::vector<StageSlot*> started;
  try {
    for (StageSlot* slot : slots()) {
      slot->current()->stage->start();
      started.push_back(slot);
    }
  } catch (const std::exception& e) {
    for (auto it = started.rbegin(); it != started.rend(); ++it) {
      try {
        (*it)->current()->stage->stop();
      } catch (...) {
      }
    }
    throw;
  }

  graph::run_pipeline_graph(*this, state);

  // Sinks last: they flush what the stages before them emitted.
  std::string stop_error;
  std::vector<StageSlot*> all = slots();
  for (StageSlot* slot : all) {
    try {
      slot->current()->stage->stop();
    } catch (const std::exception& e) {
      if (stop_error.empty()) stop_error = "stage '" + slot->name() + "' failed to stop: " + e.what();
    }
  }
  if (!stop_error.empty()) state.fail(stop_error);
}

}  // namespace sluice::runtime
