// Reads the normalize config (`operations:`) into compiled operations, strictly: every
// mistake is a ConfigError at the offending node, with a suggestion where one helps.
#pragma once

#include <boost/json/value.hpp>
#include <sluice/sdk/config.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "operation.hpp"

namespace sluice::plugins::normalize {

// Compiles the stage config (a map with an `operations` list) in order.
std::vector<Operation> compile_operations(const sdk::ConfigNode& config);

// The JSON value a YAML node stands for: quoted scalars are strings; plain scalars are null,
// true/false, integers (int64, or uint64 above it), finite numbers, or otherwise strings;
// lists and maps become arrays and objects. Allocated on the default heap resource.
boost::json::value json_from_config(const sdk::ConfigNode& node);

// The candidate closest to `word` by edit distance, or "" when none is close enough.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace sluice::plugins::normalize
