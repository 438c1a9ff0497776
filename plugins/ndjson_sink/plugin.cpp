// The ndjson_sink plugin's manifest: options and factory.
#include "ndjson_sink.hpp"

#include <sluice/sdk.hpp>

namespace {

using sluice::sdk::OptionSpec;
using sluice::sdk::OptionType;

constexpr OptionSpec kOptions[] = {
    {"path", OptionType::string, nullptr, true,
     "file to write, relative to the working directory; \"-\" writes stdout"},
    {"write", OptionType::string, "value", false,
     "value: each record's JSON value (dead letters: the dead-letter object); raw: the input line as read"},
    {"append", OptionType::boolean, "false", false, "append to an existing file instead of truncating it"},
    {"flush_every_batch", OptionType::boolean, "false", false,
     "fdatasync after every batch (output is always handed to the OS at the end of each batch)"},
    {"keep_line_numbers", OptionType::boolean, "false", false,
     "with write: raw, write an empty line for every input line number skipped, so that line N of the "
     "output is input line N"},
};

}  // namespace

SLUICE_PLUGIN(sluice::plugins::ndjson_sink::NdjsonSink,
              {.name = "ndjson_sink",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::sink,
               .threading = sluice::sdk::Threading::serial,
               .description = "writes records (or dead letters) as NDJSON to a file or stdout",
               .options = kOptions})
