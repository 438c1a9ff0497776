// The files every new plugin project shares, whatever its kind.
#include "app/plugin_template.hpp"

namespace sluice::app {
namespace {

constexpr std::string_view kCMakeLists = R"tmpl(# The {{name}} Sluice plugin, built against an installed Sluice SDK:
#   cmake -S . -B build -DCMAKE_PREFIX_PATH=<the prefix Sluice is installed in>
#   cmake --build build && ctest --test-dir build
cmake_minimum_required(VERSION 3.25)
project({{name}} VERSION 0.1.0 LANGUAGES CXX)

find_package(SluiceSDK 1 REQUIRED)

# build/plugins/lib{{name}}.so.0.1.0; `cmake --install` puts it in <prefix>/lib/sluice/plugins.
# The sources also become the object library sluice_stage_{{name}}, which the test links.
sluice_add_plugin({{name}} VERSION ${PROJECT_VERSION}
  SOURCES src/{{name}}.cpp
  ENTRY src/plugin.cpp)

find_package(Catch2 2 REQUIRED)
enable_testing()
# Catch2's main has a file of its own, compiled once: editing a test does not rebuild it.
add_executable({{name}}_test tests/main.cpp tests/{{name}}_test.cpp)
target_link_libraries({{name}}_test PRIVATE sluice_stage_{{name}} Catch2::Catch2)
add_test(NAME {{name}}_test COMMAND {{name}}_test)
)tmpl";

constexpr std::string_view kReadme = R"tmpl(# {{name}}

A Sluice {{kind}} plugin: {{summary}}. It is built out of the Sluice tree, against the
installed Sluice SDK (`find_package(SluiceSDK 1)`).

## Build and test

```sh
cmake -S . -B build -DCMAKE_PREFIX_PATH=<the prefix Sluice is installed in>
cmake --build build
ctest --test-dir build --output-on-failure
```

This builds `build/plugins/lib{{name}}.so.0.1.0` and its unit test. Build it with the compiler the
`sluice` host was built with: the host refuses a plugin whose toolchain tag (compiler, standard
library ABI, Boost version, C++ standard) differs from its own, and one built for another SDK ABI
major or a newer minor.

## Run

```sh
sluice plugins --plugin-path build/plugins --describe {{name}}
sluice run pipeline.yaml --plugin-path build/plugins
```

`pipeline.yaml` runs the stage with the built-in plugins; paths in it are relative to the working
directory, so run it from this folder.

## Install

```sh
cmake --install build --prefix <the prefix Sluice is installed in>
```

puts the plugin in `<prefix>/lib/sluice/plugins`, where that host finds it without
`--plugin-path`.

## Layout

```
src/{{name}}.hpp, src/{{name}}.cpp   the stage
src/plugin.cpp              its manifest: name, version, kind, threading, declared options
tests/{{name}}_test.cpp     unit tests through <sluice/sdk/testing.hpp>, without the host
tests/main.cpp              Catch2's main, compiled once
pipeline.yaml               a pipeline that runs it
```

Keep the options in `src/plugin.cpp` in step with what `init()` reads: `sluice check` validates a
pipeline's config against them before anything runs. The SDK, its lifecycle, threading contract
and ABI policy are described in the Sluice SDK README (`sdk/README.md` in the Sluice sources).
)tmpl";

constexpr std::string_view kTestMain = R"tmpl(// The test runner's main(), from Catch2.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
)tmpl";

constexpr std::string_view kGitignore = R"tmpl(build/
out.ndjson
dead.ndjson
)tmpl";

}  // namespace

std::vector<TemplateFile> plugin_template(std::string_view kind) {
  std::vector<TemplateFile> files;
  if (kind == "transform")
    files = transform_template_files();
  else if (kind == "source")
    files = source_template_files();
  else if (kind == "sink")
    files = sink_template_files();
  else
    return {};
  files.push_back({"tests/main.cpp", kTestMain});
  files.push_back({"CMakeLists.txt", kCMakeLists});
  files.push_back({"README.md", kReadme});
  files.push_back({".gitignore", kGitignore});
  return files;
}

std::map<std::string, std::string> plugin_template_values(std::string_view kind) {
  if (kind == "transform") return {{"summary", "it upper-cases one string field of every record"}};
  if (kind == "source") return {{"summary", "it produces a given number of numbered records"}};
  if (kind == "sink") return {{"summary", "it writes every record it receives as one JSON line to a file"}};
  return {};
}

std::string render_template(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text, pos, open - pos);
    auto it = values.find(std::string(text.substr(open + 2, close - open - 2)));
    if (it != values.end()) {
      out += it->second;
      pos = close + 2;
    } else {
      out += "{{";
      pos = open + 2;
    }
  }
  out.append(text, pos);
  return out;
}

}  // namespace sluice::app
