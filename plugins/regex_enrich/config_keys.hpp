// Strict reading of config maps: unknown keys are errors that suggest the closest known key.
#pragma once

#include <sluice/sdk/config.hpp>

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace sluice::plugins::regex_enrich {

// The known key closest to `key` (edit distance), or "" when none is close enough to suggest.
std::string closest_key(std::string_view key, std::span<const std::string_view> known);
inline std::string closest_key(std::string_view key, std::initializer_list<std::string_view> known) {
  return closest_key(key, std::span<const std::string_view>(known.begin(), known.size()));
}

// Checks that `node` is a map whose keys are all in `known`; ConfigError at the first unknown
// key ("unknown key 'patern' in a classify entry", hint "did you mean 'pattern'?").
// `what` names the map in messages.
void require_keys_known(const sdk::ConfigNode& node, std::string_view what,
                        std::initializer_list<std::string_view> known);

// The value under `key` of map `node`; ConfigError at the map when it is missing or null.
const sdk::ConfigNode& require_key(const sdk::ConfigNode& node, std::string_view key, std::string_view what);

}  // namespace sluice::plugins::regex_enrich
