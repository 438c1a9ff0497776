// The reference pipeline's enrich step (shared/reference/README.md, step 4) as regex_enrich
// config, and the directory its rule file and table resolve against.
#pragma once

#include <filesystem>
#include <string_view>

namespace sluice::plugins::regex_enrich::test {

inline const std::filesystem::path kPipelinesDir = std::filesystem::path(SLUICE_SOURCE_DIR) / "pipelines";

inline constexpr std::string_view kReferenceConfig = R"(
classify:
  - field: user_agent
    rules_file: user_agents.yaml
    section: browsers
    target: browser
    default: other
    captures:
      - {group: 1, field: browser_major, type: integer, default: 0}
  - {field: user_agent, rules_file: user_agents.yaml, section: os, target: os, default: other}
extract:
  - field: url
    pattern: '^https?://([^/?#]+)([^?#]*)'
    captures:
      - {group: 1, field: url_host, default: ""}
      - {group: 2, field: url_path, default: "", if_empty: "/"}
lookup:
  - field: user.country
    table: regions.csv
    key_column: country
    columns: {region: region}
    default: {region: unknown}
filter:
  - {field: browser, equals: bot}
)";

}  // namespace sluice::plugins::regex_enrich::test
