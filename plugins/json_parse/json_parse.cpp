#include "json_parse.hpp"

#include <exception>
#include <new>
#include <string>

#include "line_parser.hpp"
#include "parse_failure.hpp"

namespace sluice::plugins::json_parse {

namespace {

constexpr std::string_view kReason = "parse_error";
// A UTF-8 byte-order mark. RFC 8259 forbids it in JSON texts sent over a network, and the
// reference workload makes it a parse error.
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

void JsonParseStage::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& config = ctx.config;
  if (!config.is_null() && !config.is_map())
    config.fail("json_parse config must be a map, found " + config.type_name());
  if (config.is_map()) {
    for (const auto& entry : config.entries()) {
      if (entry.key != "max_depth" && entry.key != "require_object")
        throw sdk::ConfigError(entry.key_mark, "unknown option '" + entry.key + "' for json_parse",
                               "known options: max_depth, require_object");
    }
  }
  const std::int64_t depth = config.get_int("max_depth", kDefaultMaxDepth);
  if (depth < 1 || depth > kDepthLimit) {
    config.find("max_depth")
        ->fail("max_depth must be between 1 and " + std::to_string(kDepthLimit),
               "the reference workload needs at least 512");
  }
  max_depth_ = static_cast<std::size_t>(depth);
  require_object_ = config.get_bool("require_object", true);
}

void JsonParseStage::process(sdk::Batch& batch) {
  LineParser parser(max_depth_);
  const boost::json::storage_ptr& storage = batch.storage();
  ParseFailure failure;
  for (sdk::Record& r : batch.records()) {
    if (!r.alive()) continue;
    if (r.raw.empty() && !r.value.is_null()) continue;
    if (r.raw.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
      batch.dead_letter(r, kReason, "byte-order mark at byte 0");
      continue;
    }
    bool parsed = false;
    try {
      parsed = parser.parse(r.raw, storage, r.value, failure);
    } catch (const std::bad_alloc&) {
      throw;  // out of memory fails the batch, not one record
    } catch (const std::exception& e) {
      // Boost.JSON reports bad input through error codes; anything thrown is a limit it hit.
      batch.dead_letter(r, kReason, std::string("parser failure: ") + e.what());
      continue;
    }
    if (!parsed) {
      DetailText detail;
      describe_failure(r.raw, failure, max_depth_, detail);
      batch.dead_letter(r, kReason, detail.view());
      continue;
    }
    if (require_object_ && !r.value.is_object()) {
      DetailText detail;
      detail.append("top-level value is not an object (found ");
      detail.append(json_kind_name(r.value));
      detail.append(")");
      batch.dead_letter(r, kReason, detail.view());
    }
  }
}

}  // namespace sluice::plugins::json_parse
