#include "plugin/plugin_registry.hpp"

#include <boost/dll/shared_library_load_mode.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>

#include <dlfcn.h>
#include <link.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sluice::plugin {
namespace fs = std::filesystem;

LoadedPlugin::LoadedPlugin(PluginDescription description, boost::dll::shared_library library, sdk::FactoryFn* factory)
    : description_(std::move(description)), library_(std::move(library)), factory_(factory) {}

std::shared_ptr<sdk::Stage> LoadedPlugin::create() const {
  sdk::Stage* stage = factory_();
  if (!stage) throw PluginError(description_.file.string() + ": the plugin's factory returned no stage");
  // The deleter holds the library: destroy the stage first, then let the library go.
  std::shared_ptr<const LoadedPlugin> self = shared_from_this();
  return std::shared_ptr<sdk::Stage>(stage, [self](sdk::Stage* s) { delete s; });
}

std::vector<fs::path> default_search_path(const std::vector<fs::path>& from_cli, const fs::path& executable) {
  std::vector<fs::path> path = from_cli;
  if (const char* env = std::getenv("SLUICE_PLUGIN_PATH")) {
    std::stringstream ss(env);
    std::string item;
    while (std::getline(ss, item, ':'))
      if (!item.empty()) path.emplace_back(item);
  }
  std::error_code ec;
  fs::path exe = fs::canonical(executable, ec);
  if (!ec) path.push_back(exe.parent_path().parent_path() / "lib" / "sluice" / "plugins");
  return path;
}

std::string plugin_name_from_file(const fs::path& file) {
  std::string base = file.filename().string();
  std::size_t so = base.find(".so");
  if (so == std::string::npos) return {};
  base = base.substr(0, so);
  if (base.rfind("lib", 0) == 0) base = base.substr(3);
  return base;
}

PluginRegistry::PluginRegistry(std::vector<fs::path> search_path) : search_path_(std::move(search_path)) {}

namespace {

// A directory's entries, sorted by path. The entries keep the file type the listing gave, so
// asking whether one is a directory or a regular file costs no system call unless it is a
// symbolic link.
std::vector<fs::directory_entry> sorted_entries(const fs::path& dir) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) entries.push_back(e);
  std::sort(entries.begin(), entries.end(),
            [](const fs::directory_entry& a, const fs::directory_entry& b) { return a.path() < b.path(); });
  return entries;
}

fs::path canonical_or_self(const fs::path& p) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(p, ec);
  return ec ? p : canonical;
}

}  // namespace

std::vector<fs::path> PluginRegistry::candidate_files() const {
  std::vector<fs::path> out;
  // A file reached twice (a directory named twice on the path, or through a link) counts once.
  // Only directories and links are resolved: a plain file's real path is its directory's real
  // path and its name, which spares resolving every file one path component at a time.
  std::set<fs::path> seen;
  auto consider = [&](const fs::directory_entry& e, const fs::path& real_dir) {
    std::error_code ec;
    if (!e.is_regular_file(ec)) return;
    const fs::path& p = e.path();
    std::string name = p.filename().string();
    bool shared = name.size() > 3 && (name.ends_with(".so") || name.find(".so.") != std::string::npos);
    if (!shared) return;
    fs::path real = e.is_symlink(ec) ? canonical_or_self(p) : real_dir / p.filename();
    if (seen.insert(std::move(real)).second) out.push_back(p);
  };
  for (const fs::path& dir : search_path_) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    const fs::path real_dir = canonical_or_self(dir);
    for (const fs::directory_entry& e : sorted_entries(dir)) {
      if (e.is_directory(ec)) {
        const fs::path real_inner = e.is_symlink(ec) ? canonical_or_self(e.path()) : real_dir / e.path().filename();
        for (const fs::directory_entry& q : sorted_entries(e.path())) consider(q, real_inner);
      } else {
        consider(e, real_dir);
      }
    }
  }
  return out;
}

std::vector<std::string> PluginRegistry::candidate_names() const {
  std::set<std::string> names;
  for (const fs::path& file : candidate_files())
    if (std::string n = plugin_name_from_file(file); !n.empty()) names.insert(n);
  return {names.begin(), names.end()};
}

namespace {

// Keeps the libraries a plugin links to (libre2, libsqlite3, ...) loaded for the rest of the
// process, while the plugin itself may still unload after a hot swap. Such libraries are not
// written to be unloaded and loaded again: RE2, for one, allocates static objects once and
// keeps them in its globals, so every unload would leak them (and unmapping them at exit is
// what LeakSanitizer reports).
void pin_dependencies(void* handle) {
  link_map* map = nullptr;
  if (handle == nullptr || dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || map == nullptr || map->l_ld == nullptr)
    return;
  ElfW(Addr) strtab = 0;
  for (const ElfW(Dyn)* d = map->l_ld; d->d_tag != DT_NULL; ++d)
    if (d->d_tag == DT_STRTAB) strtab = d->d_un.d_ptr;
  if (strtab == 0) return;
  if (strtab < map->l_addr) strtab += map->l_addr;  // not relocated in place on every platform
  for (const ElfW(Dyn)* d = map->l_ld; d->d_tag != DT_NULL; ++d) {
    if (d->d_tag != DT_NEEDED) continue;
    // Loaded already, with the plugin: this loads nothing, it only marks the library
    // never to be unloaded. The reference it takes is never given back, on purpose.
    (void)dlopen(reinterpret_cast<const char*>(strtab + d->d_un.d_val), RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
  }
}

}  // namespace

PluginDescription read_plugin_in_process(const fs::path& file, boost::dll::shared_library& library) {
  PluginDescription d;
  d.file = file;
  boost::system::error_code ec;
  library.load(file, ec, boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
  if (ec) {
    const char* why = dlerror();
    d.problem = std::string("it cannot be loaded: ") + (why ? why : ec.message());
    return d;
  }
  pin_dependencies(library.native());
  if (!library.has(sdk::kManifestSymbol)) {
    d.problem = std::string("it exports no '") + sdk::kManifestSymbol + "' (not a Sluice plugin, or built without SLUICE_PLUGIN)";
    return d;
  }
  const sdk::Manifest* manifest = library.get_alias<sdk::ManifestFn>(sdk::kManifestSymbol)();
  d = describe_manifest(manifest, file);
  if (d.usable() && !library.has(sdk::kFactorySymbol))
    d.problem = std::string("it exports no factory '") + sdk::kFactorySymbol + "'";
  return d;
}

PluginDescription scan_file_isolated(const fs::path& file) {
  int fds[2];
  PluginDescription failed;
  failed.file = file;
  if (pipe(fds) != 0) {
    failed.problem = std::string("cannot scan it: pipe: ") + std::strerror(errno);
    return failed;
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    failed.problem = std::string("cannot scan it: fork: ") + std::strerror(errno);
    return failed;
  }
  if (pid == 0) {
    close(fds[0]);
    // A crash must kill this child plainly, whatever handlers the parent installed.
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) std::signal(sig, SIG_DFL);
    boost::dll::shared_library library;
    PluginDescription d;
    try {
      d = read_plugin_in_process(file, library);
    } catch (const std::exception& e) {
      d.file = file;
      d.problem = std::string("reading its manifest failed: ") + e.what();
    }
    std::string text = boost::json::serialize(to_json(d));
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
      ssize_t n = write(fds[1], p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    close(fds[1]);
    _exit(0);  // skip static destructors and the plugin's: the parent owns the outcome
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) text.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    failed.problem = std::string("it crashed while loading (signal ") + std::to_string(WTERMSIG(status)) + ", " +
                     strsignal(WTERMSIG(status)) + ")";
    return failed;
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) {
    failed.problem = "it ended its scan without a manifest (exit status " +
                     std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
    return failed;
  }
  return description_from_json(v);
}

std::vector<PluginDescription> PluginRegistry::scan_isolated() const {
  std::vector<PluginDescription> out;
  std::map<std::pair<std::string, std::string>, fs::path> first_file;
  for (const fs::path& file : candidate_files()) {
    PluginDescription d = scan_file_isolated(file);
    if (d.usable()) {
      auto [it, inserted] = first_file.emplace(std::make_pair(d.name, d.version), file);
      if (!inserted)
        d.problem = "duplicate: " + d.name + " " + d.version + " is also provided by " + it->second.string();
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::shared_ptr<LoadedPlugin> PluginRegistry::load(const std::string& name, const std::string& requirement_text) {
  VersionRequirement requirement;
  try {
    requirement = VersionRequirement::parse(requirement_text);
  } catch (const std::invalid_argument& e) {
    throw PluginError(e.what());
  }

  struct Candidate {
    PluginDescription description;
    boost::dll::shared_library library;
  };
  std::vector<Candidate> found;
  std::vector<std::string> refused;
  for (const fs::path& file : candidate_files()) {
    // Only open files whose name may be this plugin: the naming is lib<name>.so.<version>.
    std::string hint = plugin_name_from_file(file);
    if (!hint.empty() && hint != name) continue;
    Candidate c;
    c.description = read_plugin_in_process(file, c.library);
    if (!c.description.usable()) {
      if (c.description.name.empty() || c.description.name == name)
        refused.push_back(file.string() + ": " + c.description.problem);
      continue;
    }
    if (c.description.name != name) continue;
    found.push_back(std::move(c));
  }

  Candidate* best = nullptr;
  std::vector<std::string> versions;
  for (Candidate& c : found) {
    versions.push_back(c.description.version + " (" + c.description.file.string() + ")");
    if (!requirement.matches(c.description.semver)) continue;
    if (best && best->description.semver == c.description.semver)
      throw PluginError("duplicate plugin " + name + " " + c.description.version + ": provided by both " +
                        best->description.file.string() + " and " + c.description.file.string() +
                        " (remove one of them from the plugin path)");
    if (!best || c.description.semver > best->description.semver) best = &c;
  }
  if (!best) {
    std::string msg = "no usable plugin '" + name + "'";
    if (!requirement_text.empty()) msg += " matching version " + requirement_text;
    if (!versions.empty()) {
      msg += "; found versions:";
      for (const std::string& v : versions) msg += " " + v;
    }
    for (const std::string& r : refused) msg += "\n  refused " + r;
    if (versions.empty() && refused.empty()) {
      msg += " on the plugin path:";
      for (const fs::path& p : search_path_) msg.append(" ").append(p.string());
      msg += " (set --plugin-path or SLUICE_PLUGIN_PATH)";
    }
    throw PluginError(msg);
  }

  std::string key = fs::weakly_canonical(best->description.file).string();
  if (auto it = loaded_.find(key); it != loaded_.end())
    if (std::shared_ptr<LoadedPlugin> plugin = it->second.lock()) return plugin;
  auto* factory = &best->library.get_alias<sdk::FactoryFn>(sdk::kFactorySymbol);
  auto plugin = std::make_shared<LoadedPlugin>(best->description, std::move(best->library), factory);
  loaded_[key] = plugin;
  return plugin;
}

}  // namespace sluice::plugin
