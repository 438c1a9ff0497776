// The pii_mask plugin's manifest: its options and its factory.
#include <sluice/sdk.hpp>

#include "pii_mask.hpp"

namespace {

using sluice::sdk::OptionSpec;
using sluice::sdk::OptionType;

constexpr OptionSpec kOptions[] = {
    {"fields", OptionType::list, nullptr, true,
     "dotted paths of the fields to mask (user.email); arrays on the way stand for each element"},
    {"detectors", OptionType::list, "[email, card]", false, "what to find: email, card, or both"},
    {"mask_char", OptionType::string, "*", false, "the one printable ASCII character that replaces masked ones"},
    {"keep_last", OptionType::integer, "4", false, "card digits left visible at the end (0 to 12)"},
    {"luhn", OptionType::boolean, "true", false,
     "mask a 13-19 digit run only when its Luhn checksum holds (fewer false positives on ids)"},
    {"keep_email_domain", OptionType::boolean, "true", false, "mask only the part of an address before the '@'"},
    {"mask_raw", OptionType::boolean, "true", false,
     "also mask anything detected in each record's raw input line (shown by dead-letter files and raw sinks)"},
};

}  // namespace

SLUICE_PLUGIN(pii_mask::PiiMaskStage, {.name = "pii_mask",
                                       .version = SLUICE_PLUGIN_VERSION,
                                       .kind = sluice::sdk::StageKind::transform,
                                       .threading = sluice::sdk::Threading::reentrant,
                                       .description = "masks e-mail addresses and card numbers in chosen string fields",
                                       .options = kOptions})
