#include "classify.hpp"

#include "config_keys.hpp"

#include <boost/json/string.hpp>

#include <algorithm>

namespace sluice::plugins::regex_enrich {

namespace json = boost::json;

ClassifyOp ClassifyOp::parse(const sdk::ConfigNode& node, const sdk::InitContext& ctx, RuleFiles& files) {
  require_keys_known(node, "a classify entry",
                     {"field", "rules", "rules_file", "section", "target", "default", "captures"});
  ClassifyOp op;
  op.field_ = FieldPath::parse(require_key(node, "field", "a classify entry"));
  op.target_ = FieldPath::parse(require_key(node, "target", "a classify entry"));
  op.rules_ = RuleList::load(node, ctx, files);
  if (const sdk::ConfigNode* d = node.find("default")) op.fallback_ = parse_typed_scalar(*d, ValueType::string);
  if (const sdk::ConfigNode* captures = node.find("captures")) {
    for (const sdk::ConfigNode& c : captures->items()) {
      CaptureSpec spec = CaptureSpec::parse(c);
      if (spec.group() > op.rules_.max_groups())
        c.at("group").fail("no rule has capture group " + std::to_string(spec.group()),
                           "the rules have at most " + std::to_string(op.rules_.max_groups()) + " groups");
      op.max_capture_group_ = std::max(op.max_capture_group_, spec.group());
      op.captures_.push_back(std::move(spec));
    }
  }
  for (std::size_t i = 0; i < op.rules_.size(); ++i)
    op.rule_names_.emplace_back(json::string(op.rules_.rule(static_cast<int>(i)).name));
  return op;
}

bool ClassifyOp::prune(const KeepField& keep) {
  std::erase_if(captures_, [&](const CaptureSpec& c) { return !keep(c.target()); });
  write_target_ = keep(target_);
  max_capture_group_ = -1;
  for (const CaptureSpec& c : captures_) max_capture_group_ = std::max(max_capture_group_, c.group());
  return write_target_ || !captures_.empty();
}

void ClassifyOp::evaluate(std::string_view text, const json::storage_ptr& sp, std::vector<Output>& out) const {
  int index = text.data() != nullptr ? rules_.first_match(text) : -1;
  if (index < 0) {
    out.push_back(fallback_ && write_target_ ? Output{json::value(*fallback_, sp), true}
                                             : Output{json::value(sp), false});
    for (const CaptureSpec& c : captures_) {
      const json::value* f = c.fallback();
      out.push_back(f ? Output{json::value(*f, sp), true} : Output{json::value(sp), false});
    }
    return;
  }
  out.push_back(write_target_ ? Output{json::value(rule_names_[static_cast<std::size_t>(index)], sp), true}
                              : Output{json::value(sp), false});
  if (captures_.empty()) return;

  const RE2& regex = *rules_.rule(index).regex;
  int groups = std::min(max_capture_group_, regex.NumberOfCapturingGroups());
  re2::StringPiece sub[kMaxGroup + 1];
  bool matched = regex.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, sub,
                             groups + 1);
  for (const CaptureSpec& c : captures_) {
    std::string_view captured;
    if (matched && c.group() <= groups) captured = std::string_view(sub[c.group()].data(), sub[c.group()].size());
    Output o{json::value(sp), false};
    o.set = c.convert(captured, sp, o.value);
    out.push_back(std::move(o));
  }
}

bool ClassifyGroup::accepts(const ClassifyOp& op) const {
  if (op.field().segments() != field_.segments()) return false;
  return std::none_of(targets_.begin(), targets_.end(), [&](const FieldPath& t) { return t.overlaps(field_); });
}

void ClassifyGroup::add(ClassifyOp op) {
  for (std::size_t i = 0; i < op.output_count(); ++i) targets_.push_back(op.output_path(i));
  op.evaluate({}, {}, missing_);
  ops_.push_back(std::move(op));
}

void ClassifyGroup::evaluate(std::string_view text, const json::storage_ptr& sp, std::vector<Output>& out) const {
  for (const ClassifyOp& op : ops_) op.evaluate(text, sp, out);
}

}  // namespace sluice::plugins::regex_enrich
