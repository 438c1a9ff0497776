// `sluice new-plugin NAME --kind transform|source|sink [--dir DIR]`: writes a complete plugin
// project that builds out of the Sluice tree against the installed SDK.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <cctype>
#include <fstream>
#include <iostream>
#include <system_error>

#include "app/commands.hpp"
#include "app/plugin_template.hpp"

namespace sluice::app {
namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kUsageLine = "usage: sluice new-plugin NAME --kind transform|source|sink [--dir DIR]";

// Names the generated code cannot use: C++ keywords (NAME becomes a namespace), and the
// namespaces the plugin code already refers to.
// clang-format off
constexpr std::string_view kReservedNames[] = {
    "alignas",      "alignof",   "and",          "and_eq",      "asm",        "auto",          "bitand",
    "bitor",        "bool",      "break",        "case",        "catch",      "char",          "char8_t",
    "char16_t",     "char32_t",  "class",        "compl",       "concept",    "const",         "consteval",
    "constexpr",    "constinit", "const_cast",   "continue",    "co_await",   "co_return",     "co_yield",
    "decltype",     "default",   "delete",       "do",          "double",     "dynamic_cast",  "else",
    "enum",         "explicit",  "export",       "extern",      "false",      "float",         "for",
    "friend",       "goto",      "if",           "inline",      "int",        "long",          "mutable",
    "namespace",    "new",       "noexcept",     "not",         "not_eq",     "nullptr",       "operator",
    "or",           "or_eq",     "private",      "protected",   "public",     "register",      "reinterpret_cast",
    "requires",     "return",    "short",        "signed",      "sizeof",     "static",        "static_assert",
    "static_cast",  "struct",    "switch",       "template",    "this",       "thread_local",  "throw",
    "true",         "try",       "typedef",      "typeid",      "typename",   "union",         "unsigned",
    "using",        "virtual",   "void",         "volatile",    "wchar_t",    "while",         "xor",
    "xor_eq",       "std",       "boost",        "sluice",      "YAML",       "sluice_plugin_entry"};
// clang-format on

bool is_c_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// pii_mask -> PiiMask: the prefix of the generated class names.
std::string pascal_case(std::string_view name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out.empty() ? "Plugin" : out;
}

// Why NAME cannot name a plugin, or "" when it can.
std::string name_problem(std::string_view name) {
  if (!is_c_identifier(name))
    return "NAME must be a C identifier (letters, digits and '_', not starting with a digit), found '" +
           std::string(name) + "'";
  if (name[0] == '_') return "NAME must not start with '_' (such names are reserved in C++)";
  for (std::string_view reserved : kReservedNames)
    if (name == reserved) return "NAME '" + std::string(name) + "' is reserved in the generated C++ code";
  return "";
}

// The install prefix of this `sluice`, when the SDK's CMake package is installed there too:
// what a new project passes as CMAKE_PREFIX_PATH. Empty when running from a build tree.
fs::path installed_sdk_prefix(const fs::path& executable) {
  std::error_code ec;
  fs::path prefix = fs::canonical(executable, ec).parent_path().parent_path();
  if (ec) return {};
  for (const char* libdir : {"lib", "lib64"}) {
    if (fs::exists(prefix / libdir / "cmake" / "SluiceSDK" / "SluiceSDKConfig.cmake", ec)) return prefix;
    for (const auto& entry : fs::directory_iterator(prefix / libdir, ec))  // lib/<multiarch>/
      if (fs::exists(entry.path() / "cmake" / "SluiceSDK" / "SluiceSDKConfig.cmake", ec)) return prefix;
  }
  return {};
}

bool write_text(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  return !ec && out.good();
}

}  // namespace

int new_plugin_command(const Invocation& inv) {
  std::string name, kind, dir;
  po::options_description options("new-plugin options");
  options.add_options()("help,h", "show this help")("kind,k", po::value(&kind),
                                                    "the stage kind: transform, source or sink (required)")(
      "dir,d", po::value(&dir), "the project folder to create (default: ./NAME); must not exist or be empty");
  po::options_description all = options;
  all.add_options()("name", po::value(&name), "plugin name");
  po::positional_options_description positional;
  positional.add("name", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(inv.args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "sluice: " << e.what() << "\n\n" << kUsageLine << "\n\n" << options;
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << kUsageLine << "\n\nWrites a plugin project built against the installed Sluice SDK: CMakeLists.txt,\n"
              << "the stage in src/, its unit test, a README and a pipeline that runs it.\n\n"
              << options;
    return kExitOk;
  }
  if (name.empty() || kind.empty()) {
    std::cerr << "sluice: new-plugin needs " << (name.empty() ? "a NAME" : "--kind") << "\n\n"
              << kUsageLine << "\n\n"
              << options;
    return kExitUsage;
  }
  if (std::string problem = name_problem(name); !problem.empty()) {
    std::cerr << "sluice: " << problem << "\n";
    return kExitUsage;
  }
  std::vector<TemplateFile> files = plugin_template(kind);
  if (files.empty()) {
    std::cerr << "sluice: --kind must be transform, source or sink, found '" << kind << "'\n";
    return kExitUsage;
  }

  fs::path root = dir.empty() ? fs::path(name) : fs::path(dir);
  std::error_code ec;
  if (fs::exists(root, ec) && (!fs::is_directory(root, ec) || !fs::is_empty(root, ec))) {
    std::cerr << "sluice: " << root.string() << " already exists and is not an empty folder; not overwriting it"
              << " (choose another --dir)\n";
    return kExitUsage;
  }

  std::map<std::string, std::string> values = plugin_template_values(kind);
  values["name"] = name;
  values["Name"] = pascal_case(name);
  values["kind"] = kind;
  for (const TemplateFile& file : files) {
    fs::path path = root / render_template(file.path, values);
    if (!write_text(path, render_template(file.text, values))) {
      std::cerr << "sluice: cannot write " << path.string() << "\n";
      return kExitRunFailed;
    }
  }

  fs::path prefix = installed_sdk_prefix(inv.executable);
  std::string prefix_text = prefix.empty() ? "<the prefix Sluice is installed in>" : prefix.string();
  std::string build = (root / "build").string();
  std::cout << "created " << root.string() << ": the " << kind << " plugin '" << name << "'\n"
            << fmt::format("  {:<32} the stage\n", fmt::format("src/{0}.hpp, src/{0}.cpp", name))
            << fmt::format("  {:<32} its manifest and declared options\n", "src/plugin.cpp")
            << fmt::format("  {:<32} its unit test\n", fmt::format("tests/{}_test.cpp", name))
            << fmt::format("  {:<32} a pipeline that runs it\n\n", "pipeline.yaml") << "next:\n"
            << "  cmake -S " << root.string() << " -B " << build << " -DCMAKE_PREFIX_PATH=" << prefix_text << "\n"
            << "  cmake --build " << build << " && ctest --test-dir " << build << "\n"
            << "  cd " << root.string() << " && sluice run pipeline.yaml --plugin-path build/plugins\n";
  return kExitOk;
}

}  // namespace sluice::app
