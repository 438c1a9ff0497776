// Semantic versions of plugins and the requirements a pipeline puts on them (`normalize@^1`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugin {

struct Version {
  int major = 0;
  int minor = 0;
  int patch = 0;

  // Parses "MAJOR.MINOR.PATCH" (missing parts are 0 when allow_partial is set).
  static std::optional<Version> parse(std::string_view text, bool allow_partial = false);
  std::string str() const;
  friend auto operator<=>(const Version&, const Version&) = default;
};

// A conjunction of comparators: "1.2.3", "=1.2.3", "^1.2", "~1.2", ">=1.2 <2", "*", "1" (any 1.x).
class VersionRequirement {
 public:
  // Throws std::invalid_argument with a readable message for a malformed requirement.
  static VersionRequirement parse(std::string_view text);
  bool matches(const Version& v) const;
  const std::string& str() const { return text_; }

 private:
  enum class Op { eq, gt, ge, lt, le };
  struct Comparator {
    Op op;
    Version version;
  };
  std::string text_;
  std::vector<Comparator> comparators_;
};

}  // namespace sluice::plugin
