#include "schema_validate.hpp"

#include <boost/json/stream_parser.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "schema_compiler.hpp"
#include "schema_validator.hpp"

namespace sluice::plugins::schema_validate {
namespace {

namespace json = boost::json;

std::string read_schema_file(const std::filesystem::path& path, const sdk::ConfigNode& at) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) at.fail("schema file '" + path.string() + "' is a directory");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad())
    at.fail("cannot read schema file '" + path.string() + "'",
            "relative paths resolve against the pipeline file's directory");
  return std::move(text).str();
}

// "line L, column C" of byte `offset` in `text` (both 1-based).
std::string text_position(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

json::value parse_schema_json(const std::string& text, const std::string& path, const sdk::ConfigNode& at) {
  json::stream_parser parser;
  json::error_code ec;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec && used < text.size()) {
    // Only white space may follow the document.
    std::size_t rest = text.find_first_not_of(" \t\r\n", used);
    if (rest != std::string::npos) {
      at.fail("schema file '" + path + "' is not valid JSON: unexpected text after the document at " +
              text_position(text, rest));
    }
  }
  if (!ec) parser.finish(ec);
  if (ec) {
    at.fail("schema file '" + path + "' is not valid JSON: " + ec.message() + " at " + text_position(text, used));
  }
  return parser.release();
}

}  // namespace

void SchemaValidateStage::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& schema_option = ctx.config.at("schema");
  std::string schema_path = schema_option.as_string();
  if (schema_path.empty()) schema_option.fail("'schema' must name a JSON Schema file");
  std::string path = ctx.resource_path(schema_path).string();

  std::string text = read_schema_file(path, schema_option);
  json::value document = parse_schema_json(text, path, schema_option);
  try {
    schema_ = compile_schema(document);
  } catch (const SchemaError& e) {
    std::string where = e.pointer().empty() ? std::string("the root") : e.pointer();
    schema_option.fail("schema file '" + path + "': " + e.what() + " at " + where,
                       "supported keywords are listed in the schema_validate README");
  }

  // Field pruning: the root's property and required names are what the schema reads, unless it
  // also constrains members it does not name, or the record as a whole.
  if (ctx.field_use != nullptr) {
    const SchemaNode& root = *schema_;
    const ObjectChecks* object = root.object_checks.get();
    const bool whole = root.enum_values || root.const_value || root.has_applicators || root.array_checks ||
                       (object != nullptr && (object->additional || object->min_properties > 0 ||
                                              object->max_properties != kUnbounded));
    if (!whole) {
      sdk::FieldSet reads;
      if (object != nullptr) {
        for (const PropertyCheck& p : object->properties) reads.add(p.name);
        for (const std::string& name : object->required) reads.add(name);
      }
      ctx.field_use->reads(reads);
    }
  }

  if (const sdk::ConfigNode* reason = ctx.config.find("reason"); reason && !reason->is_null()) {
    reason_ = reason->as_string();
    if (reason_.empty()) reason->fail("'reason' must not be empty");
  }
}

void SchemaValidateStage::process(sdk::Batch& batch) {
  ValidationFailure failure;  // allocates only once a record fails
  std::string detail;
  for (sdk::Record& r : batch.records()) {
    if (!r.alive() || validate(*schema_, r.value, failure)) continue;
    failure.format_detail(detail);
    batch.dead_letter(r, reason_, detail);
    failure.clear();
  }
}

}  // namespace sluice::plugins::schema_validate
