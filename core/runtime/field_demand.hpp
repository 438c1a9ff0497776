// Field pruning: which record fields the stages after each transform read, computed from what
// every stage declared at init() (sdk::FieldUse), walking from the sinks back to the source.
#pragma once

#include <sluice/sdk/fields.hpp>

namespace sluice::runtime {

// The fields a stage reads: its declaration, or every field when it declared none.
sdk::FieldSet fields_read(const sdk::FieldUse& use);

// Walks a pipeline backwards. Starts at the sinks: wanted() is what they read. Each step_back()
// passes one transform, from the last to the first: wanted() becomes what that transform and
// every stage after it read from the records given to it. With pruning off, always every().
class FieldDemand {
 public:
  // `dead_letter` may be null (no dead-letter sink).
  FieldDemand(bool prune, const sdk::FieldUse& sink, const sdk::FieldUse* dead_letter);

  const sdk::FieldSet& wanted() const noexcept { return wanted_; }
  void step_back(const sdk::FieldUse& transform);

 private:
  bool prune_;
  sdk::FieldSet dead_letter_reads_;  // any stage may dead-letter a record: always wanted
  sdk::FieldSet wanted_;
};

}  // namespace sluice::runtime
