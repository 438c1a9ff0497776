#include "config/pipeline_spec.hpp"

#include "config/did_you_mean.hpp"

#include <sluice/sdk/yaml_config.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace sluice::config {
namespace {

using sdk::ConfigError;
using sdk::ConfigNode;

const std::vector<std::string> kPipelineKeys = {"name",       "description",   "source",      "stages", "sink",
                                                "dead_letter", "batch_size", "max_in_flight", "prune_fields"};
const std::vector<std::string> kStageKeys = {"name", "plugin", "config", "concurrency", "on_error", "description"};

void reject_unknown_keys(const ConfigNode& map, const std::vector<std::string>& allowed, const std::string& what) {
  for (const ConfigNode::Entry& e : map.entries()) {
    bool known = false;
    for (const std::string& k : allowed) known = known || k == e.key;
    if (!known)
      throw ConfigError(e.key_mark, "unknown key '" + e.key + "' in " + what, suggestion_hint(e.key, allowed));
  }
}

uint32_t positive_u32(const ConfigNode& node, const std::string& what) {
  int64_t v = node.as_int();
  if (v < 1 || v > 1'000'000'000) node.fail(what + " must be between 1 and 1000000000, found " + std::to_string(v));
  return static_cast<uint32_t>(v);
}

StageSpec parse_stage(const ConfigNode& node, const std::string& role, const std::string& default_name = {}) {
  if (!node.is_map())
    node.fail(role + " must be a map with at least `plugin:`", "e.g. {plugin: json_parse}");
  reject_unknown_keys(node, kStageKeys, role);
  StageSpec s;
  s.mark = node.mark();
  const ConfigNode& plugin = node.at("plugin");
  std::string text = plugin.as_string();
  s.plugin_mark = plugin.mark();
  if (auto at = text.find('@'); at != std::string::npos) {
    s.plugin = text.substr(0, at);
    s.version_requirement = text.substr(at + 1);
    if (s.version_requirement.empty())
      plugin.fail("empty version requirement after '@'", "write e.g. " + s.plugin + "@^1 or " + s.plugin + "@1.2.0");
  } else {
    s.plugin = text;
  }
  if (s.plugin.empty()) plugin.fail("empty plugin name");
  s.name = node.get_string("name", default_name.empty() ? s.plugin : default_name);
  if (const ConfigNode* c = node.find("config")) {
    if (!c->is_map() && !c->is_null()) c->fail("config must be a map of options, found " + c->type_name());
    s.config = *c;
  }
  if (const ConfigNode* c = node.find("concurrency")) {
    if (c->is_scalar() && !c->is_quoted() && c->raw_scalar() == "auto")
      s.concurrency.reset();
    else
      s.concurrency = positive_u32(*c, "concurrency");
  }
  if (const ConfigNode* e = node.find("on_error")) {
    std::string v = e->as_string();
    if (v == "dead_letter")
      s.on_error = OnError::dead_letter;
    else if (v == "fail")
      s.on_error = OnError::fail;
    else
      e->fail("on_error must be dead_letter or fail, found '" + v + "'", suggestion_hint(v, {"dead_letter", "fail"}));
  }
  return s;
}

}  // namespace

PipelineSpec parse_pipeline(const std::string& text, const std::filesystem::path& file, const EnvLookup& env) {
  const std::string file_name = file.string();
  ConfigNode root = sdk::parse_yaml_config(
      text, file_name, [&env](const std::string& value, const sdk::Mark& mark) { return interpolate_env(value, mark, env); });
  if (!root.is_map())
    throw ConfigError(sdk::Mark{file_name, 1, 1}, "a pipeline file must be a YAML map",
                      "it needs at least source:, stages: and sink:");
  reject_unknown_keys(root, kPipelineKeys, "the pipeline");

  PipelineSpec spec;
  spec.file = file;
  spec.name = root.get_string("name", file.stem().string());
  spec.source = parse_stage(root.at("source"), "source");
  if (const ConfigNode* stages = root.find("stages"); stages && !stages->is_null()) {
    for (const ConfigNode& s : stages->items()) spec.stages.push_back(parse_stage(s, "a stage"));
  }
  spec.sink = parse_stage(root.at("sink"), "sink", "sink");
  if (const ConfigNode* dl = root.find("dead_letter"); dl && !dl->is_null())
    spec.dead_letter = parse_stage(*dl, "dead_letter", "dead_letter");
  if (const ConfigNode* b = root.find("batch_size")) spec.batch_size = positive_u32(*b, "batch_size");
  if (const ConfigNode* m = root.find("max_in_flight")) spec.max_in_flight = positive_u32(*m, "max_in_flight");
  spec.prune_fields = root.get_bool("prune_fields", true);

  std::set<std::string> names;
  auto claim = [&names](const StageSpec& s) {
    if (!names.insert(s.name).second)
      throw ConfigError(s.mark, "duplicate stage name '" + s.name + "'", "give each stage a unique `name:`");
  };
  claim(spec.source);
  for (const StageSpec& s : spec.stages) claim(s);
  claim(spec.sink);
  if (spec.dead_letter) claim(*spec.dead_letter);
  return spec;
}

PipelineSpec load_pipeline(const std::filesystem::path& file, const EnvLookup& env) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(sdk::Mark{file.string(), 0, 0}, "cannot read the pipeline file", "check the path");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_pipeline(ss.str(), file, env);
}

}  // namespace sluice::config
