#include "plugin/semver.hpp"

#include <charconv>
#include <sstream>
#include <stdexcept>

namespace sluice::plugin {
namespace {

// Parses up to three dot-separated numbers; returns how many were present (0 on error).
int parse_parts(std::string_view text, int parts[3]) {
  int count = 0;
  while (!text.empty()) {
    if (count == 3) return 0;
    std::size_t dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    if (part == "x" || part == "*") return count;  // "1.x" is "1"
    int v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || p != part.data() + part.size() || part.empty() || v < 0) return 0;
    parts[count++] = v;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
    if (text.empty()) return 0;
  }
  return count;
}

}  // namespace

std::optional<Version> Version::parse(std::string_view text, bool allow_partial) {
  int parts[3] = {0, 0, 0};
  int n = parse_parts(text, parts);
  if (n == 0 || (n < 3 && !allow_partial)) return std::nullopt;
  return Version{parts[0], parts[1], parts[2]};
}

std::string Version::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

VersionRequirement VersionRequirement::parse(std::string_view text) {
  VersionRequirement req;
  req.text_ = std::string(text);
  std::istringstream words{std::string(text)};
  std::string word;
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("invalid version requirement '" + std::string(text) + "': " + why +
                                 " (use e.g. 1.2.3, ^1.2, ~1.2, >=1.2 <2, *)");
  };
  while (words >> word) {
    if (word == "*" || word == "x") continue;
    std::string_view w = word;
    std::string_view op;
    for (std::string_view candidate : {">=", "<=", ">", "<", "=", "^", "~"}) {
      if (w.substr(0, candidate.size()) == candidate) {
        op = candidate;
        break;
      }
    }
    w.remove_prefix(op.size());
    int parts[3] = {0, 0, 0};
    int n = parse_parts(w, parts);
    if (n == 0) throw bad("'" + word + "' is not a version");
    Version v{parts[0], parts[1], parts[2]};
    auto add = [&](Op o, Version ver) { req.comparators_.push_back({o, ver}); };
    if (op == "^" || (op.empty() && n < 3)) {
      // ^1.2.3 := >=1.2.3 <2.0.0; ^0.2.3 := >=0.2.3 <0.3.0; a bare "1" or "1.2" likewise.
      add(Op::ge, v);
      if (v.major > 0 || n == 1)
        add(Op::lt, Version{v.major + 1, 0, 0});
      else if (v.minor > 0 || n == 2)
        add(Op::lt, Version{0, v.minor + 1, 0});
      else
        add(Op::lt, Version{0, 0, v.patch + 1});
    } else if (op == "~") {
      add(Op::ge, v);
      add(Op::lt, n == 1 ? Version{v.major + 1, 0, 0} : Version{v.major, v.minor + 1, 0});
    } else if (op.empty() || op == "=") {
      add(Op::eq, v);
    } else if (op == ">=") {
      add(Op::ge, v);
    } else if (op == ">") {
      add(Op::gt, v);
    } else if (op == "<=") {
      add(Op::le, v);
    } else {
      add(Op::lt, v);
    }
  }
  return req;
}

bool VersionRequirement::matches(const Version& v) const {
  for (const Comparator& c : comparators_) {
    bool ok = false;
    switch (c.op) {
      case Op::eq: ok = v == c.version; break;
      case Op::gt: ok = v > c.version; break;
      case Op::ge: ok = v >= c.version; break;
      case Op::lt: ok = v < c.version; break;
      case Op::le: ok = v <= c.version; break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace sluice::plugin
