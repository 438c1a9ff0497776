// Stage configs given as JSON (the admin API's swap requests) as the ConfigNode trees stages read.
#pragma once

#include <sluice/sdk/config.hpp>

#include <boost/json/value.hpp>

#include <string>

namespace sluice::admin {

// Converts a JSON value as a YAML document would give it: objects become maps, arrays
// sequences, strings quoted scalars ("1" stays a string), numbers and booleans plain scalars,
// null a null node. Every node's position names `origin` (no line: JSON requests have none).
sdk::ConfigNode config_from_json(const boost::json::value& value, const std::string& origin);

}  // namespace sluice::admin
