#include "rule_list.hpp"

#include "config_keys.hpp"

#include <sluice/sdk/yaml_config.hpp>

#include <algorithm>
#include <string_view>

namespace sluice::plugins::regex_enrich {

namespace {

// The list of rule nodes an entry names: inline, a whole file, or one section of a file.
const sdk::ConfigNode& rule_nodes(const sdk::ConfigNode& entry, const sdk::InitContext& ctx, RuleFiles& files) {
  const sdk::ConfigNode* inline_rules = entry.find("rules");
  const sdk::ConfigNode* file = entry.find("rules_file");
  const sdk::ConfigNode* section = entry.find("section");
  if (inline_rules != nullptr && file != nullptr)
    entry.fail("a classify entry takes either 'rules' or 'rules_file', not both");
  if (inline_rules != nullptr) {
    if (section != nullptr) section->fail("'section' applies to 'rules_file' only");
    return *inline_rules;
  }
  if (file == nullptr)
    entry.fail("a classify entry needs 'rules' (a list of {name, pattern}) or 'rules_file'");

  std::string path = ctx.resource_path(file->as_string()).string();
  const sdk::ConfigNode& holder = files.load(path, *file);
  if (section == nullptr) {
    if (holder.is_map())
      file->fail("rule file '" + path + "' holds sections; name one with 'section'");
    return holder;
  }
  std::string name = section->as_string();
  if (!holder.is_map())
    section->fail("rule file '" + path + "' is not a map of sections", "drop 'section' to use the whole list");
  if (const sdk::ConfigNode* list = holder.find(name)) return *list;
  std::vector<std::string_view> names;
  std::string keys;
  for (const auto& e : holder.entries()) {
    names.push_back(e.key);
    keys += (keys.empty() ? "" : ", ") + e.key;
  }
  std::string best = closest_key(name, names);
  section->fail("rule file '" + path + "' has no section '" + name + "'",
                best.empty() ? "its sections: " + keys : "did you mean '" + best + "'?");
}

}  // namespace

const sdk::ConfigNode& RuleFiles::load(const std::string& path, const sdk::ConfigNode& named_at) {
  auto it = files_.find(path);
  if (it == files_.end()) it = files_.emplace(path, sdk::load_yaml_config_file(path, named_at.mark())).first;
  return it->second;
}

RE2::Options RuleList::regex_options() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

std::unique_ptr<RE2> RuleList::compile(const std::string& pattern, const sdk::ConfigNode& node) {
  auto regex = std::make_unique<RE2>(pattern, regex_options());
  if (!regex->ok()) node.fail("invalid regex '" + pattern + "': " + regex->error());
  return regex;
}

RuleList RuleList::load(const sdk::ConfigNode& entry, const sdk::InitContext& ctx, RuleFiles& files) {
  const sdk::ConfigNode& list = rule_nodes(entry, ctx, files);
  if (!list.is_sequence()) list.fail("rules must be a list of {name, pattern}, found " + list.type_name());
  if (list.items().empty()) list.fail("the rule list is empty");

  RuleList out;
  out.set_ = std::make_unique<RE2::Set>(regex_options(), RE2::UNANCHORED);
  for (const sdk::ConfigNode& item : list.items()) {
    require_keys_known(item, "a rule", {"name", "pattern"});
    const sdk::ConfigNode& pattern = require_key(item, "pattern", "a rule");
    Rule rule{require_key(item, "name", "a rule").as_string(), compile(pattern.as_string(), pattern)};
    out.max_groups_ = std::max(out.max_groups_, rule.regex->NumberOfCapturingGroups());
    std::string error;
    if (out.set_ && out.set_->Add(pattern.as_string(), &error) < 0) out.set_.reset();
    out.rules_.push_back(std::move(rule));
  }
  if (out.set_ && !out.set_->Compile()) out.set_.reset();
  return out;
}

int RuleList::first_match(std::string_view text) const {
  if (set_) {
    std::vector<int> hits;
    RE2::Set::ErrorInfo error{RE2::Set::kNoError};
    if (set_->Match(re2::StringPiece(text.data(), text.size()), &hits, &error))
      return *std::min_element(hits.begin(), hits.end());
    if (error.kind == RE2::Set::kNoError) return -1;
  }
  return first_match_one_by_one(text);
}

int RuleList::first_match_one_by_one(std::string_view text) const {
  re2::StringPiece piece(text.data(), text.size());
  for (std::size_t i = 0; i < rules_.size(); ++i)
    if (RE2::PartialMatch(piece, *rules_[i].regex)) return static_cast<int>(i);
  return -1;
}

}  // namespace sluice::plugins::regex_enrich
