#include "runtime/field_demand.hpp"

namespace sluice::runtime {

sdk::FieldSet fields_read(const sdk::FieldUse& use) {
  return use.declared() ? use.read_fields() : sdk::FieldSet::every();
}

FieldDemand::FieldDemand(bool prune, const sdk::FieldUse& sink, const sdk::FieldUse* dead_letter) : prune_(prune) {
  if (!prune_) {
    wanted_ = sdk::FieldSet::every();
    return;
  }
  if (dead_letter) dead_letter_reads_ = fields_read(*dead_letter);
  wanted_ = fields_read(sink);
  wanted_.merge(dead_letter_reads_);
}

void FieldDemand::step_back(const sdk::FieldUse& transform) {
  if (!prune_) return;
  // A transform that builds new records (an aggregate) hands none of its input on: the stages
  // after it read its output, not its input.
  sdk::FieldSet before = transform.replaces() ? sdk::FieldSet() : wanted_;
  before.merge(fields_read(transform));
  before.merge(dead_letter_reads_);
  wanted_ = std::move(before);
}

}  // namespace sluice::runtime
