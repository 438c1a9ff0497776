// ${VAR} and ${VAR:-default} in pipeline files.
#pragma once

#include <sluice/sdk/config.hpp>

#include <functional>
#include <optional>
#include <string>

namespace sluice::config {

// Looks a variable up; std::nullopt when unset. The default reads the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

// Replaces ${VAR} and ${VAR:-default} in `text` ("$$" is a literal '$'). An unset variable
// without a default, or a malformed reference, throws sdk::ConfigError at `mark`.
std::string interpolate_env(const std::string& text, const sdk::Mark& mark, const EnvLookup& lookup);

}  // namespace sluice::config
