// The sqlite_sink plugin's manifest: options and factory.
#include "sqlite_sink.hpp"

#include <sluice/sdk.hpp>

namespace {

using sluice::sdk::OptionSpec;
using sluice::sdk::OptionType;

constexpr OptionSpec kOptions[] = {
    {"path", OptionType::string, nullptr, true, "SQLite database file, relative to the working directory"},
    {"table", OptionType::string, nullptr, true, "table to write (created if it does not exist)"},
    {"columns", OptionType::list, nullptr, false,
     "records output (required there): [{name, type: INTEGER|REAL|TEXT|BLOB, not_null: true, field: name}]"},
    {"key", OptionType::list, nullptr, false, "PRIMARY KEY columns; upserts replace rows with the same key"},
    {"mode", OptionType::string, nullptr, false,
     "upsert (default when key is set) | insert (default without key) | replace"},
    {"synchronous", OptionType::string, "normal", false, "PRAGMA synchronous: off, normal, full or extra"},
    {"journal_mode", OptionType::string, "wal", false,
     "PRAGMA journal_mode: delete, truncate, persist, memory, wal or off"},
    {"busy_timeout_ms", OptionType::integer, "5000", false, "how long to wait for a database another connection locked"},
};

}  // namespace

SLUICE_PLUGIN(sluice::plugins::sqlite_sink::SqliteSink,
              {.name = "sqlite_sink",
               .version = SLUICE_PLUGIN_VERSION,
               .kind = sluice::sdk::StageKind::sink,
               .threading = sluice::sdk::Threading::serial,
               .description = "writes records (or dead letters) as rows of a SQLite table, one transaction "
                              "per batch, with upsert on a primary key",
               .options = kOptions})
