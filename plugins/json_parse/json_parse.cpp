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

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a \uXXXX escape starting at line[i] (the backslash), or -1.
int escaped_unit(std::string_view line, std::size_t i) {
  if (i + 6 > line.size() || line[i] != '\\' || line[i + 1] != 'u') return -1;
  int v = 0;
  for (std::size_t k = i + 2; k < i + 6; ++k) {
    int h = hex_value(line[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

}  // namespace

// JSON's grammar allows any \uXXXX escape, so "\ud800" is valid JSON even though it names half
// a character; Python's and JavaScript's parsers accept it, Boost.JSON does not. To accept the
// same lines, each unpaired surrogate escape becomes U+FFFD (one code point, as it was).
bool replace_lone_surrogates(std::string_view line, std::string& out) {
  out.clear();
  bool changed = false;
  for (std::size_t i = 0; i < line.size();) {
    if (line[i] != '\\') {
      out += line[i++];
      continue;
    }
    int unit = escaped_unit(line, i);
    if (unit < 0) {  // another escape: copy it whole so that "\\\\" is not misread
      out.append(line.substr(i, 2));
      i += 2;
      continue;
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      int next = escaped_unit(line, i + 6);
      if (next >= 0xDC00 && next <= 0xDFFF) {
        out.append(line.substr(i, 12));
        i += 12;
        continue;
      }
    }
    if (unit >= 0xD800 && unit <= 0xDFFF) {
      out += "\\ufffd";
      changed = true;
    } else {
      out.append(line.substr(i, 6));
    }
    i += 6;
  }
  return changed;
}

void JsonParseStage::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& config = ctx.config;
  if (!config.is_null() && !config.is_map())
    config.fail("json_parse config must be a map, found " + config.type_name());
  if (config.is_map()) {
    for (const auto& entry : config.entries()) {
      if (entry.key != "max_depth" && entry.key != "require_object" && entry.key != "skip_contents")
        throw sdk::ConfigError(entry.key_mark, "unknown option '" + entry.key + "' for json_parse",
                               "known options: max_depth, require_object, skip_contents");
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
  // Field pruning: a record's value comes from its raw line, never from the fields before.
  if (ctx.field_use != nullptr) ctx.field_use->reads(sdk::FieldSet());

  skip_contents_.clear();
  const sdk::ConfigNode* names = config.is_map() ? config.find("skip_contents") : nullptr;
  if (names && !names->is_null()) {
    if (!names->is_sequence())
      names->fail("skip_contents must be a list of top-level member names, found " + names->type_name(),
                  "write e.g. skip_contents: [payload]");
    for (const sdk::ConfigNode& item : names->items()) {
      if (!item.is_scalar()) item.fail("a skip_contents entry must be a member name, found " + item.type_name());
      const std::string name = item.as_string();
      if (name.empty()) item.fail("a skip_contents entry must not be empty");
      for (const common::BytePattern& earlier : skip_contents_)
        if (earlier.text() == name) item.fail("'" + name + "' is listed twice in skip_contents");
      skip_contents_.emplace_back(name);
    }
  }
}

void JsonParseStage::process(sdk::Batch& batch) {
  LineParser parser(max_depth_, skip_contents_);
  const boost::json::storage_ptr& storage = batch.storage();
  ParseFailure failure;
  std::string repaired;  // only used for lines with unpaired surrogate escapes
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
    if (!parsed && replace_lone_surrogates(r.raw, repaired)) {  // Boost reports these as several codes
      ParseFailure second;
      parsed = parser.parse(repaired, storage, r.value, second);
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
