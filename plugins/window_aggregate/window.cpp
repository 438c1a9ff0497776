#include "window.hpp"

namespace sluice::plugins::window_aggregate {

Window::Window(int64_t start, const AggregateSpec& spec)
    : start_(start),
      key_count_(spec.group_by.size()),
      field_count_(spec.value_fields.size()),
      sketch_count_(static_cast<std::size_t>(spec.sketch_count)),
      sketch_accuracy_(spec.sketch_relative_accuracy) {}

uint32_t Window::add_group(std::string_view key, uint64_t hash, std::span<const boost::json::value* const> key_values) {
  const auto g = static_cast<uint32_t>(records_.size());
  table_.insert(key, hash, g);
  records_.push_back(0);
  stats_.resize(stats_.size() + field_count_);
  for (std::size_t s = 0; s < sketch_count_; ++s) sketches_.emplace_back(sketch_accuracy_);
  for (std::size_t k = 0; k < key_count_; ++k) {
    const boost::json::value* v = k < key_values.size() ? key_values[k] : nullptr;
    key_values_.emplace_back(v != nullptr ? boost::json::value(*v) : boost::json::value());
  }
  return g;
}

}  // namespace sluice::plugins::window_aggregate
