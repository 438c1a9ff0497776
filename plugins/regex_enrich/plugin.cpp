// The regex_enrich plugin's manifest: its options and its factory.
#include "regex_enrich.hpp"

#include <sluice/sdk.hpp>

namespace {

using sluice::sdk::OptionSpec;
using sluice::sdk::OptionType;

constexpr OptionSpec kOptions[] = {
    {"classify", OptionType::list, nullptr, false,
     "ordered rule lists {field, rules_file+section | rules, target, default, captures}: the first rule "
     "matching the string field names the target; its capture groups fill typed fields"},
    {"extract", OptionType::list, nullptr, false,
     "{field, pattern, captures}: capture groups of an RE2 pattern matched anywhere in the field fill fields"},
    {"lookup", OptionType::list, nullptr, false,
     "{field, table, key_column, columns, default}: the CSV row whose key column equals the field fills "
     "fields from its columns"},
    {"filter", OptionType::list, nullptr, false,
     "{field, equals | in | matches}: a record meeting any condition is filtered (counted, not dead-lettered)"},
};

}  // namespace

SLUICE_PLUGIN(sluice::plugins::regex_enrich::RegexEnrichStage,
              {.name = "regex_enrich",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::transform,
               .threading = sluice::sdk::Threading::reentrant,
               .description = "Enriches records with RE2: ordered rule-list classification, capture-group "
                              "extraction, CSV table lookups, then filtering",
               .options = kOptions})
