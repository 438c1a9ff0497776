#include "extract.hpp"

#include "config_keys.hpp"
#include "rule_list.hpp"

#include <algorithm>

namespace sluice::plugins::regex_enrich {

namespace json = boost::json;

ExtractOp ExtractOp::parse(const sdk::ConfigNode& node) {
  require_keys_known(node, "an extract entry", {"field", "pattern", "captures"});
  ExtractOp op;
  op.field_ = FieldPath::parse(require_key(node, "field", "an extract entry"));
  const sdk::ConfigNode& pattern = require_key(node, "pattern", "an extract entry");
  op.regex_ = RuleList::compile(pattern.as_string(), pattern);
  const sdk::ConfigNode& captures = require_key(node, "captures", "an extract entry");
  if (captures.items().empty()) captures.fail("an extract entry needs at least one capture");
  for (const sdk::ConfigNode& c : captures.items()) {
    CaptureSpec spec = CaptureSpec::parse(c);
    if (spec.group() > op.regex_->NumberOfCapturingGroups())
      c.at("group").fail("the pattern has no capture group " + std::to_string(spec.group()),
                         "it has " + std::to_string(op.regex_->NumberOfCapturingGroups()));
    op.max_group_ = std::max(op.max_group_, spec.group());
    op.targets_.push_back(spec.target());
    op.captures_.push_back(std::move(spec));
  }
  op.evaluate({}, {}, op.missing_);
  return op;
}

bool ExtractOp::prune(const KeepField& keep) {
  for (std::size_t i = captures_.size(); i-- > 0;) {
    if (keep(captures_[i].target())) continue;
    captures_.erase(captures_.begin() + static_cast<std::ptrdiff_t>(i));
    targets_.erase(targets_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  max_group_ = 0;
  for (const CaptureSpec& c : captures_) max_group_ = std::max(max_group_, c.group());
  missing_.clear();
  evaluate({}, {}, missing_);
  return !captures_.empty();
}

void ExtractOp::evaluate(std::string_view text, const json::storage_ptr& sp, std::vector<Output>& out) const {
  re2::StringPiece sub[kMaxGroup + 1];
  bool matched = text.data() != nullptr &&
                 regex_->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, sub,
                               max_group_ + 1);
  for (const CaptureSpec& c : captures_) {
    std::string_view captured;
    if (matched) captured = std::string_view(sub[c.group()].data(), sub[c.group()].size());
    Output o{json::value(sp), false};
    o.set = c.convert(captured, sp, o.value);
    out.push_back(std::move(o));
  }
}

}  // namespace sluice::plugins::regex_enrich
