// The generate plugin's manifest: options and factory.
#include "generate.hpp"

#include <sluice/sdk.hpp>

namespace {

using sluice::sdk::OptionSpec;
using sluice::sdk::OptionType;

constexpr OptionSpec kOptions[] = {
    {"count", OptionType::integer, "100000", false, "records to produce (blank lines not counted); 0 = endless"},
    {"seed", OptionType::integer, "1", false, "random seed: the same options give the same lines"},
    {"rate", OptionType::number, "0", false, "records per second of wall-clock time; 0 = as fast as possible"},
    {"max_batch_delay_ms", OptionType::number, "5", false,
     "with a rate: the longest a batch waits for records not yet due before it leaves with fewer"},
    {"events_per_second", OptionType::number, "1000", false, "event-time density: events per second of ts"},
    {"start_time", OptionType::string, "2026-11-26T00:00:00Z", false, "event time of the first event (RFC 3339)"},
    {"malformed_rate", OptionType::number, "0.01", false, "share of lines that are not JSON objects"},
    {"invalid_rate", OptionType::number, "0.02", false, "share of objects that break the reference schema"},
    {"late_rate", OptionType::number, "0.003", false, "share of events 90 to 240 s behind the stream"},
    {"blank_rate", OptionType::number, "0.001", false, "chance of a blank line after an event"},
    {"batch_size", OptionType::integer, nullptr, false, "records per batch (default: the pipeline's batch_size)"},
};

}  // namespace

SLUICE_PLUGIN(sluice::plugins::generate::Generate,
              {.name = "generate",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::source,
               .threading = sluice::sdk::Threading::serial,
               .description = "deterministic synthetic NDJSON events shaped like the reference workload, "
                              "with malformed, schema-invalid, late and blank lines mixed in",
               .options = kOptions})
