// The window_aggregate plugin: its options and its manifest.
#include "window_aggregate.hpp"

#include <sluice/sdk.hpp>

namespace {

using sluice::sdk::OptionSpec;
using sluice::sdk::OptionType;

constexpr OptionSpec kOptions[] = {
    {"time_field", OptionType::string, "timestamp_ms", false,
     "field holding the event time in integer milliseconds since the epoch (a dotted path or a JSON Pointer)"},
    {"window_ms", OptionType::integer, "60000", false, "length of the tumbling windows, aligned to the epoch"},
    {"allowed_lateness_ms", OptionType::integer, "10000", false,
     "how long after its end a window still accepts records, measured in event time (max_ts)"},
    {"window_start_field", OptionType::string, "window_start", false,
     "name of the output field holding the window start (ms)"},
    {"group_by", OptionType::list, nullptr, false,
     "fields whose values form the group key, besides the window: dotted paths, JSON Pointers or {field, as}"},
    {"metrics", OptionType::list, nullptr, true,
     "output metrics: {name, op: count|sum|min|max|avg|quantile, field, q}"},
    {"sketch_relative_accuracy", OptionType::number, "0.005", false,
     "relative accuracy of the quantile sketches (0.005 keeps quantiles within 1%)"},
};

}  // namespace

SLUICE_PLUGIN(sluice::plugins::window_aggregate::WindowAggregateStage,
              {.name = "window_aggregate",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::transform,
               .threading = sluice::sdk::Threading::serial,
               .description = "tumbling event-time windows with lateness: grouped count, sum, min, max, avg, quantiles",
               .options = kOptions,
               .flags = sluice::sdk::kStateful})
