// The schema_validate plugin's manifest: options and factory.
#include <sluice/sdk.hpp>

#include "schema_validate.hpp"

namespace {

using sluice::sdk::OptionSpec;
using sluice::sdk::OptionType;

constexpr OptionSpec kOptions[] = {
    {"schema", OptionType::string, nullptr, true,
     "JSON Schema file (2020-12 keywords) every record must satisfy; relative to the pipeline file"},
    {"reason", OptionType::string, "validation_error", false, "dead-letter reason for records that fail the schema"},
};

}  // namespace

SLUICE_PLUGIN(sluice::plugins::schema_validate::SchemaValidateStage,
              {.name = "schema_validate",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::transform,
               .threading = sluice::sdk::Threading::reentrant,
               .description = "dead-letters records that do not satisfy a JSON Schema, naming the failing "
                              "place (JSON Pointer) and keyword",
               .options = kOptions})
