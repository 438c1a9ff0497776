// The file_source plugin's manifest: options and factory.
#include "file_source.hpp"

#include <sluice/sdk.hpp>

namespace {

using sluice::sdk::OptionSpec;
using sluice::sdk::OptionType;

constexpr OptionSpec kOptions[] = {
    {"path", OptionType::string, nullptr, true,
     "file to read, relative to the working directory; \"-\" reads stdin"},
    {"batch_size", OptionType::integer, nullptr, false,
     "records per batch (default: the pipeline's batch_size)"},
    {"max_line_bytes", OptionType::integer, "16777216", false,
     "longer lines are dead-lettered as too_large with only their first bytes kept"},
    {"read_block_bytes", OptionType::integer, "1048576", false, "largest single read from the file"},
};

}  // namespace

SLUICE_PLUGIN(sluice::plugins::file_source::FileSource,
              {.name = "file_source",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::source,
               .threading = sluice::sdk::Threading::serial,
               .description = "reads NDJSON lines from a file or stdin as raw records (blank lines "
                              "skipped, too-large lines dead-lettered)",
               .options = kOptions})
