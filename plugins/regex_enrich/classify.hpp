// `classify`: ordered rule lists; the first rule matching a string field names the record's
// class (`target`), and its capture groups fill typed fields.
#pragma once

#include "capture_spec.hpp"
#include "field_path.hpp"
#include "output.hpp"
#include "rule_list.hpp"

#include <sluice/sdk/config.hpp>
#include <sluice/sdk/stage.hpp>

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace sluice::plugins::regex_enrich {

// One `classify` entry. Immutable after parse(); safe to use from several threads at once.
class ClassifyOp {
 public:
  // Rule files are read through `files`, so entries naming the same file share one read.
  static ClassifyOp parse(const sdk::ConfigNode& node, const sdk::InitContext& ctx, RuleFiles& files);

  const FieldPath& field() const noexcept { return field_; }
  // Its outputs, in order: the target, then each capture's field.
  std::size_t output_count() const noexcept { return 1 + captures_.size(); }
  const FieldPath& output_path(std::size_t i) const noexcept {
    return i == 0 ? target_ : captures_[i - 1].target();
  }
  // Field pruning, before the op is used: drops the captures whose field `keep` refuses and,
  // where it refuses the target, leaves the target unset. False when nothing is left to write.
  bool prune(const KeepField& keep);
  // Appends output_count() outputs, built on `sp`, for the field's string `text`, or for a
  // missing or non-string field where `text.data() == nullptr`.
  void evaluate(std::string_view text, const boost::json::storage_ptr& sp, std::vector<Output>& out) const;

 private:
  FieldPath field_;
  RuleList rules_;
  FieldPath target_;
  std::optional<boost::json::value> fallback_;
  std::vector<CaptureSpec> captures_;
  bool write_target_ = true;
  std::vector<boost::json::value> rule_names_;  // rule i's name as a JSON string
  int max_capture_group_ = -1;                   // -1: no captures
};

// Consecutive classify entries reading the same field, evaluated together once per distinct
// string. Immutable after construction; safe to use from several threads at once.
class ClassifyGroup {
 public:
  explicit ClassifyGroup(FieldPath field) : field_(std::move(field)) {}
  // True when `op` can join: it reads this group's field, and no entry of the group writes
  // that field (or a path above or below it), which the later entry would have to see.
  bool accepts(const ClassifyOp& op) const;
  void add(ClassifyOp op);

  const FieldPath& field() const noexcept { return field_; }
  // Numbers the keys of the field it reads for hints (FieldPath::number_keys).
  std::size_t number_keys(std::size_t next) noexcept { return field_.number_keys(next); }
  // The number of outputs per evaluation, and where each one goes.
  std::size_t width() const noexcept { return targets_.size(); }
  const std::vector<FieldPath>& targets() const noexcept { return targets_; }
  // Appends width() outputs, built on `sp`, for `text` (`text.data() == nullptr`: field missing or
  // not a string).
  void evaluate(std::string_view text, const boost::json::storage_ptr& sp, std::vector<Output>& out) const;
  // The outputs for a missing or non-string field (on the default resource).
  const Output* missing_outputs() const noexcept { return missing_.data(); }

 private:
  FieldPath field_;
  std::vector<ClassifyOp> ops_;
  std::vector<FieldPath> targets_;
  std::vector<Output> missing_;
};

}  // namespace sluice::plugins::regex_enrich
