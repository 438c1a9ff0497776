// An ordered list of named RE2 rules where the first rule matching a string wins.
#pragma once

#include <sluice/sdk/config.hpp>
#include <sluice/sdk/stage.hpp>

#include <re2/re2.h>
#include <re2/set.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::regex_enrich {

// The rule files read while one stage initializes, by resolved path: a file that several
// classify entries name (one section each, as the reference pipeline's browsers and os) is read
// and parsed once.
class RuleFiles {
 public:
  // The parsed file at `path`; `named_at` is where the pipeline names it, for the error when it
  // cannot be read. The node stays valid as long as this object.
  const sdk::ConfigNode& load(const std::string& path, const sdk::ConfigNode& named_at);

 private:
  std::map<std::string, sdk::ConfigNode, std::less<>> files_;
};

struct Rule {
  std::string name;
  std::unique_ptr<RE2> regex;
};

// Immutable after load(); first_match() is safe from several threads at once (RE2 and
// RE2::Set matching are const and thread-safe).
class RuleList {
 public:
  // Options every pattern of the plugin compiles with (errors are reported, never logged).
  static RE2::Options regex_options();
  // Compiles `pattern` written at `node`; ConfigError with RE2's message when it is invalid.
  static std::unique_ptr<RE2> compile(const std::string& pattern, const sdk::ConfigNode& node);

  // Reads the rules of a classify entry: inline `rules:` or `rules_file:` (with `section:`
  // where the file is a map of lists), the file read through `files`. Each rule is
  // {name, pattern}. ConfigError at the node at fault, in the pipeline or in the rule file.
  static RuleList load(const sdk::ConfigNode& entry, const sdk::InitContext& ctx, RuleFiles& files);

  // The index of the first rule matching anywhere in `text`, or -1 where none does.
  int first_match(std::string_view text) const;
  const Rule& rule(int index) const { return rules_[static_cast<std::size_t>(index)]; }
  std::size_t size() const noexcept { return rules_.size(); }
  // The largest number of capture groups of any rule.
  int max_groups() const noexcept { return max_groups_; }

 private:
  int first_match_one_by_one(std::string_view text) const;

  std::vector<Rule> rules_;
  // All rules in one automaton: one pass over the text finds every matching rule. Null where
  // it could not be built; matching then tries the rules one by one.
  std::unique_ptr<RE2::Set> set_;
  int max_groups_ = 0;
};

}  // namespace sluice::plugins::regex_enrich
