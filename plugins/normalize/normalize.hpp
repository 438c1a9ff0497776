// The normalize stage: an ordered list of small field operations applied to every record.
#pragma once

#include <sluice/sdk.hpp>

#include <cstddef>
#include <vector>

#include "operation.hpp"

namespace sluice::plugins::normalize {

// Reentrant: after init() the operations are read-only, so batches may be processed
// concurrently.
class NormalizeStage final : public sdk::Transform {
 public:
  void init(const sdk::InitContext& ctx) override;
  // Applies the operations in order to every alive record whose value is an object. Never
  // dead-letters: a field of the wrong type is left for validation to reject.
  void process(sdk::Batch& batch) override;

  const std::vector<Operation>& operations() const noexcept { return operations_; }

 private:
  std::vector<Operation> operations_;
  std::size_t hint_slots_ = 0;  // keys in all the operations' paths (FieldPath::number_keys)
};

}  // namespace sluice::plugins::normalize
