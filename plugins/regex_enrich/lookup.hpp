// `lookup`: a CSV table keyed by one column; a record's string field selects a row whose
// columns fill fields.
#pragma once

#include "field_path.hpp"
#include "output.hpp"
#include "string_index.hpp"

#include <sluice/sdk/config.hpp>
#include <sluice/sdk/stage.hpp>

#include <string_view>
#include <vector>

namespace sluice::plugins::regex_enrich {

// One `lookup` entry. Immutable after parse(); safe to use from several threads at once.
class LookupOp {
 public:
  static LookupOp parse(const sdk::ConfigNode& node, const sdk::InitContext& ctx);
  LookupOp() = default;
  // Move-only: the index views key_bytes_, whose buffer a move keeps and a copy would not.
  LookupOp(LookupOp&&) = default;
  LookupOp& operator=(LookupOp&&) = default;
  LookupOp(const LookupOp&) = delete;
  LookupOp& operator=(const LookupOp&) = delete;

  const FieldPath& field() const noexcept { return field_; }
  // Field pruning, before the op is used: drops the columns whose field `keep` refuses. False
  // when none is left (the entry can go).
  bool prune(const KeepField& keep);
  // Numbers the keys of the field it reads for hints (FieldPath::number_keys).
  std::size_t number_keys(std::size_t next) noexcept { return field_.number_keys(next); }
  // Where each output goes, in `columns` order.
  const std::vector<FieldPath>& targets() const noexcept { return targets_; }
  // The targets().size() outputs for the field's string `text`, or for a missing or non-string
  // field where `text.data() == nullptr`. They live on the default resource, as long as this op.
  const Output* evaluate(std::string_view text) const noexcept {
    uint32_t row = text.data() != nullptr ? index_.find(text) : StringIndex::kAbsent;
    return row == StringIndex::kAbsent ? miss_outputs_.data() : row_outputs_.data() + row * targets_.size();
  }

 private:
  FieldPath field_;
  std::vector<FieldPath> targets_;
  std::vector<Output> row_outputs_;  // row r's outputs at [r * width, (r + 1) * width)
  std::vector<Output> miss_outputs_;
  std::vector<char> key_bytes_;  // every key, back to back: the bytes index_ views
  StringIndex index_;
};

}  // namespace sluice::plugins::regex_enrich
