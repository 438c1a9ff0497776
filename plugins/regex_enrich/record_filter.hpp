// `filter`: conditions on a record's fields; a record meeting any of them is filtered (dropped
// on purpose and counted, not dead-lettered).
#pragma once

#include "field_path.hpp"

#include <sluice/sdk/config.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <re2/re2.h>

#include <memory>
#include <vector>

namespace sluice::plugins::regex_enrich {

// One `filter` entry: {field, equals: v} | {field, in: [v, ...]} | {field, matches: regex}.
// Immutable after parse(); safe to use from several threads at once.
class FilterCondition {
 public:
  static FilterCondition parse(const sdk::ConfigNode& node);

  // True when the record meets the condition. A missing field meets none; `matches` applies
  // to strings only; numbers compare by value (1 equals 1.0), other values by kind and value.
  bool holds(const boost::json::object& record, KeyHints hints) const noexcept;
  const FieldPath& field() const noexcept { return field_; }
  // Numbers the keys of the field it reads for hints (FieldPath::number_keys).
  std::size_t number_keys(std::size_t next) noexcept { return field_.number_keys(next); }

 private:
  FieldPath field_;
  std::vector<boost::json::value> values_;  // equals (one) or in (any)
  std::unique_ptr<RE2> regex_;              // matches
};

}  // namespace sluice::plugins::regex_enrich
