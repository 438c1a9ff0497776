// The normalize plugin's manifest: its options and its factory.
#include <sluice/sdk.hpp>

#include "normalize.hpp"

namespace {

constexpr sluice::sdk::OptionSpec kOptions[] = {
    {"operations", sluice::sdk::OptionType::list, nullptr, true,
     "ordered operations, each a map with `op` (rename, default, lowercase, uppercase, trim, "
     "parse_timestamp) and its keys; see the plugin README"},
};

}  // namespace

SLUICE_PLUGIN(sluice::plugins::normalize::NormalizeStage,
              {.name = "normalize",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::transform,
               .threading = sluice::sdk::Threading::reentrant,
               .description = "renames, defaults, re-cases and trims fields and parses RFC 3339 timestamps",
               .options = kOptions})
