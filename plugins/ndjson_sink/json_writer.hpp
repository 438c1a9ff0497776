// JSON text for NDJSON output: values, strings and dead-letter lines, appended to a buffer.
#pragma once

#include <sluice/sdk/batch.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace sluice::plugins::ndjson_sink {

// Appends `s` as a JSON string literal. Escapes only '"', '\\' and bytes below 0x20 (as \n,
// \t, \u0001, ...); every other byte, invalid UTF-8 included, passes through unchanged, so
// that an input line written this way can be recovered byte for byte.
void append_json_string(std::string& out, std::string_view s);

// Appends `value` as compact JSON. Doubles use the shortest text that reads back to the same
// value and keep a fraction or exponent (1.0, not 1) so they stay doubles when read again;
// NaN and infinities, which JSON cannot hold, are written as null.
void append_json_value(std::string& out, const boost::json::value& value);

// Appends {"reason":...,"stage":...,"detail":...,"line":N,"raw":"..."} for a dead record.
void append_dead_letter(std::string& out, const sdk::Record& record);

}  // namespace sluice::plugins::ndjson_sink
