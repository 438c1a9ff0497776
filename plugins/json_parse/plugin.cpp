// The json_parse plugin's manifest: its options and its factory.
#include <sluice/sdk.hpp>

#include "json_parse.hpp"

namespace {

constexpr sluice::sdk::OptionSpec kOptions[] = {
    {"max_depth", sluice::sdk::OptionType::integer, "1024", false,
     "deepest nesting of arrays and objects accepted (1..100000); deeper lines are parse errors"},
    {"require_object", sluice::sdk::OptionType::boolean, "true", false,
     "dead-letter lines whose top-level value is not an object"},
    {"skip_contents", sluice::sdk::OptionType::list, "[]", false,
     "top-level members whose contents no later stage reads: checked as JSON, an object or array "
     "there is kept empty instead of built"},
};

}  // namespace

SLUICE_PLUGIN(sluice::plugins::json_parse::JsonParseStage,
              {.name = "json_parse",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::transform,
               .threading = sluice::sdk::Threading::reentrant,
               .description = "parses each input line as one strict JSON (RFC 8259) value",
               .options = kOptions})
