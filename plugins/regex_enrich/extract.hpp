// `extract`: the capture groups of one regex, matched against a string field, fill fields.
#pragma once

#include "capture_spec.hpp"
#include "field_path.hpp"
#include "output.hpp"

#include <sluice/sdk/config.hpp>

#include <boost/json/storage_ptr.hpp>
#include <re2/re2.h>

#include <memory>
#include <string_view>
#include <vector>

namespace sluice::plugins::regex_enrich {

// One `extract` entry. Immutable after parse(); safe to use from several threads at once.
class ExtractOp {
 public:
  static ExtractOp parse(const sdk::ConfigNode& node);

  const FieldPath& field() const noexcept { return field_; }
  // Field pruning, before the op is used: drops the captures whose field `keep` refuses. False
  // when none is left (the entry can go).
  bool prune(const KeepField& keep);
  // Numbers the keys of the field it reads for hints (FieldPath::number_keys).
  std::size_t number_keys(std::size_t next) noexcept { return field_.number_keys(next); }
  // The number of outputs per evaluation, and where each one goes (in capture order).
  std::size_t width() const noexcept { return targets_.size(); }
  const std::vector<FieldPath>& targets() const noexcept { return targets_; }
  // Appends width() outputs, built on `sp`, for the field's string `text` (matched anywhere, as
  // RE2 PartialMatch), or for a missing or non-string field where `text.data() == nullptr`.
  void evaluate(std::string_view text, const boost::json::storage_ptr& sp, std::vector<Output>& out) const;
  // The outputs for a missing or non-string field (on the default resource).
  const Output* missing_outputs() const noexcept { return missing_.data(); }

 private:
  FieldPath field_;
  std::unique_ptr<RE2> regex_;
  std::vector<CaptureSpec> captures_;
  std::vector<FieldPath> targets_;
  std::vector<Output> missing_;
  int max_group_ = 0;
};

}  // namespace sluice::plugins::regex_enrich
