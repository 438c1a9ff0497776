// The project `sluice new-plugin` writes: a plugin built out of the Sluice tree against the
// installed SDK, with its unit test, README and a pipeline that runs it.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::app {

// One file of the project. Both the path (relative to the project folder) and the text hold
// placeholders such as {{name}}; see render_template(). The views point at string literals.
struct TemplateFile {
  std::string_view path;
  std::string_view text;
};

// Every file of a project for a stage of `kind` ("transform", "source" or "sink"), or an empty
// list for any other kind.
std::vector<TemplateFile> plugin_template(std::string_view kind);

// The placeholder values a kind adds to {{name}}, {{Name}} and {{kind}}: {{summary}}, one line
// saying what the generated stage does.
std::map<std::string, std::string> plugin_template_values(std::string_view kind);

// Replaces every {{key}} of `values` in `text`; other text, unknown keys included, is copied.
std::string render_template(std::string_view text, const std::map<std::string, std::string>& values);

// The files specific to each kind (src/, tests/, pipeline.yaml, sample input).
std::vector<TemplateFile> transform_template_files();
std::vector<TemplateFile> source_template_files();
std::vector<TemplateFile> sink_template_files();

}  // namespace sluice::app
