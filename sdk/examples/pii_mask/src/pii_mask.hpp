// The pii_mask stage: masks e-mail addresses and payment card numbers in chosen fields.
#pragma once

#include <memory>
#include <sluice/sdk.hpp>
#include <vector>

#include "field_path.hpp"
#include "pii_masker.hpp"

namespace pii_mask {

// Reentrant: after init() the stage only reads its fields and its masker, so the host may run
// process() on several batches at once, from several threads.
class PiiMaskStage final : public sluice::sdk::Transform {
 public:
  // Reads the options declared in plugin.cpp; throws ConfigError at the offending YAML position.
  void init(const sluice::sdk::InitContext& ctx) override;
  // In every alive record, masks what the detectors find in the string values the configured
  // fields reach (in place, in the batch arena), and replaces integer values that are card
  // numbers by their masked digits as a string. With mask_raw, also masks every record's raw
  // input line, dead ones included, since dead-letter files and raw sinks show it. Never
  // changes a record's fate.
  void process(sluice::sdk::Batch& batch) override;

 private:
  void mask_value(boost::json::value& v) const;
  void mask_raw(sluice::sdk::Batch& batch, sluice::sdk::Record& r) const;

  std::vector<FieldPath> fields_;
  std::unique_ptr<PiiMasker> masker_;
  bool mask_raw_ = true;
};

}  // namespace pii_mask
