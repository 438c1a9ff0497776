#include "app/cli_options.hpp"
#include "app/commands.hpp"
#include "runtime/pipeline.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

namespace sluice::app {
namespace po = boost::program_options;

namespace {

// Assembles the pipeline without opening any input or output; prints the error on failure.
std::unique_ptr<runtime::Pipeline> assemble_for_inspection(const Invocation& inv, const CommonOptions& common) {
  try {
    plugin::PluginRegistry registry = make_registry(inv, common);
    return std::make_unique<runtime::Pipeline>(config::load_pipeline(common.pipeline), registry,
                                               runtime::AssembleOptions{true, 0, 0, 0});
  } catch (const sdk::ConfigError& e) {
    std::cerr << e.format() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "sluice: " << e.what() << "\n";
  }
  return nullptr;
}

std::string node_label(runtime::StageSlot& slot, const char* role) {
  auto instance = slot.current();
  const auto& d = instance->description();
  std::string threading = d.kind == sdk::StageKind::transform
                              ? (slot.concurrency() == 1 ? "serial, in order"
                                                         : fmt::format("concurrency {}", slot.concurrency()))
                              : std::string(role);
  return fmt::format("{}\\n{}@{}\\n{}", slot.name(), d.name, d.version, threading);
}

}  // namespace

int check_command(const Invocation& inv) {
  CommonOptions common;
  po::options_description options("check options");
  add_common_options(options, common);
  if (auto rc = parse_command_line(inv, "usage: sluice check PIPELINE.yaml [options]", options, true, common))
    return *rc;
  auto pipeline = assemble_for_inspection(inv, common);
  if (!pipeline) return kExitInvalid;
  std::cout << common.pipeline << ": ok (" << pipeline->slots().size() << " stages:";
  for (runtime::StageSlot* slot : pipeline->slots()) {
    const auto& d = slot->current()->description();
    std::cout << " " << slot->name() << "=" << d.name << "@" << d.version;
  }
  std::cout << ")\n";
  // Field pruning: what each stage may leave uncomputed, because no stage after it reads it.
  for (auto& slot : pipeline->transforms()) {
    const std::vector<std::string> skipped = runtime::Pipeline::skipped_fields(*slot);
    if (!skipped.empty())
      std::cout << fmt::format("  {}: skips {} (no stage after it reads {}; prune_fields: false computes {})\n",
                               slot->name(), fmt::join(skipped, ", "), skipped.size() > 1 ? "them" : "it",
                               skipped.size() > 1 ? "them" : "it");
  }
  return kExitOk;
}

int graph_command(const Invocation& inv) {
  CommonOptions common;
  std::string format = "dot";
  po::options_description options("graph options");
  add_common_options(options, common);
  options.add_options()("format,f", po::value(&format), "dot (Graphviz) or mermaid");
  if (auto rc = parse_command_line(inv, "usage: sluice graph PIPELINE.yaml [--format dot|mermaid]", options, true,
                                   common))
    return *rc;
  if (format != "dot" && format != "mermaid") {
    std::cerr << "sluice: --format must be dot or mermaid\n";
    return kExitUsage;
  }
  auto pipeline = assemble_for_inspection(inv, common);
  if (!pipeline) return kExitInvalid;

  struct Node {
    std::string id, label;
  };
  std::vector<Node> chain;
  chain.push_back({"source", node_label(pipeline->source(), "source")});
  // As core/graph builds it: a sequencer before every serial stage and before the sinks.
  int sequencers = 0;
  for (auto& slot : pipeline->transforms()) {
    if (slot->concurrency() == 1)
      chain.push_back({fmt::format("seq{}", sequencers++), "sequencer\\n(restores source order)"});
    chain.push_back({fmt::format("s{}", chain.size()), node_label(*slot, "")});
  }
  chain.push_back({fmt::format("seq{}", sequencers++), "sequencer\\n(restores source order)"});
  chain.push_back({"sink", node_label(pipeline->sink(), "sink, serial")});
  runtime::StageSlot* dl = pipeline->dead_letter();
  std::string limiter = fmt::format("limiter\\nmax_in_flight {} batches of {}", pipeline->max_in_flight(),
                                    pipeline->batch_size());

  if (format == "dot") {
    std::cout << "digraph \"" << pipeline->spec().name << "\" {\n  rankdir=LR;\n  node [shape=box];\n";
    std::cout << "  limiter [shape=diamond, label=\"" << limiter << "\"];\n";
    for (const Node& n : chain)
      std::cout << "  " << n.id << " [label=\"" << n.label << "\""
                << (n.id.rfind("seq", 0) == 0 ? ", shape=ellipse" : "") << "];\n";
    std::cout << "  " << chain[0].id << " -> limiter;\n  limiter -> " << chain[1].id << ";\n";
    for (std::size_t i = 1; i + 1 < chain.size(); ++i) std::cout << "  " << chain[i].id << " -> " << chain[i + 1].id << ";\n";
    std::cout << "  sink -> limiter [style=dashed, label=\"release\"];\n";
    if (dl)
      std::cout << "  dead_letter [label=\"" << node_label(*dl, "dead letters, serial") << "\"];\n"
                << "  sink -> dead_letter [style=dotted, label=\"dead records\"];\n";
    std::cout << "}\n";
  } else {
    auto mermaid = [](std::string s) {
      std::string out;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
          out += "<br/>";
          ++i;
        } else {
          out += s[i] == '"' ? '\'' : s[i];
        }
      }
      return out;
    };
    std::cout << "flowchart LR\n";
    std::cout << "  limiter{\"" << mermaid(limiter) << "\"}\n";
    for (const Node& n : chain) std::cout << "  " << n.id << "[\"" << mermaid(n.label) << "\"]\n";
    std::cout << "  " << chain[0].id << " --> limiter\n  limiter --> " << chain[1].id << "\n";
    for (std::size_t i = 1; i + 1 < chain.size(); ++i) std::cout << "  " << chain[i].id << " --> " << chain[i + 1].id << "\n";
    std::cout << "  sink -. release .-> limiter\n";
    if (dl)
      std::cout << "  dead_letter[\"" << mermaid(node_label(*dl, "dead letters, serial")) << "\"]\n"
                << "  sink -. dead records .-> dead_letter\n";
  }
  return kExitOk;
}

}  // namespace sluice::app
