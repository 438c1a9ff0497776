// The schema_validate transform: dead-letters every alive record that does not satisfy a
// JSON Schema, with detail "<JSON Pointer>: <keyword>" naming the first failing check.
#pragma once

#include <sluice/sdk.hpp>
#include <string>

#include "schema_node.hpp"

namespace sluice::plugins::schema_validate {

// Reentrant: after init() the stage holds only immutable state (the compiled schema and the
// reason), and process() keeps its scratch space on its own stack.
class SchemaValidateStage final : public sdk::Transform {
 public:
  // Reads `schema` (required, resolved with ctx.resource_path) and `reason`; loads and
  // compiles the schema file. Throws sdk::ConfigError at the option's position for an
  // unreadable file, invalid JSON, or a schema keyword or value it does not support.
  void init(const sdk::InitContext& ctx) override;
  void process(sdk::Batch& batch) override;

 private:
  SchemaNodePtr schema_;
  std::string reason_ = "validation_error";
};

}  // namespace sluice::plugins::schema_validate
