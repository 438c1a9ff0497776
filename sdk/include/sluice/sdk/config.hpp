// A stage's configuration as a typed tree that remembers where every value was written, so
// that every config error a stage raises points at file:line:col of the pipeline YAML.
#pragma once

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::sdk {
inline namespace v1 {

// A position in a config file. line and column are 1-based; 0 means unknown.
struct Mark {
  std::string file;
  int line = 0;
  int column = 0;

  std::string str() const {
    std::string s = file.empty() ? std::string("<config>") : file;
    if (line > 0) {  // appended piece by piece: GCC 12 misreads ":" + std::string as overlapping
      s += ':';
      s += std::to_string(line);
      s += ':';
      s += std::to_string(column);
    }
    return s;
  }
};

// Thrown by the host and by stages (on the control plane only: init, never in process())
// for a configuration that cannot be used. what() holds the message without the position.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(Mark mark, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), mark_(std::move(mark)), hint_(std::move(hint)) {}
  const Mark& mark() const noexcept { return mark_; }
  const std::string& hint() const noexcept { return hint_; }
  // "file:line:col: error: message (hint: ...)", the form the host prints.
  std::string format() const {
    std::string s = mark_.str() + ": error: " + what();
    if (!hint_.empty()) s += " (" + hint_ + ")";
    return s;
  }

 private:
  Mark mark_;
  std::string hint_;
};

// One node of a config tree: a scalar, a sequence, a map or null. Owned by whoever built it
// (the host, for a stage's config); a stage reads it during init() and keeps copies of what
// it needs, never references into the tree. Read-only access is safe from any thread.
class ConfigNode {
 public:
  enum class Type { null, scalar, sequence, map };

  ConfigNode() = default;
  // These and push_back are defined below ConfigNode::Entry: code that makes, moves or destroys
  // a ConfigNode needs Entry complete, and some compilers check that where the code stands.
  static ConfigNode make_scalar(std::string value, bool quoted, Mark mark);
  static ConfigNode make(Type type, Mark mark);

  Type type() const noexcept { return type_; }
  bool is_null() const noexcept { return type_ == Type::null; }
  bool is_scalar() const noexcept { return type_ == Type::scalar; }
  bool is_sequence() const noexcept { return type_ == Type::sequence; }
  bool is_map() const noexcept { return type_ == Type::map; }
  // True for a scalar written in quotes: "1" is a string, 1 is a number.
  bool is_quoted() const noexcept { return quoted_; }
  const Mark& mark() const noexcept { return mark_; }
  const std::string& raw_scalar() const noexcept { return scalar_; }

  // --- typed scalar access; each throws ConfigError at this node's position ---
  std::string as_string() const {
    if (type_ != Type::scalar) fail("expected a string, found " + type_name());
    return scalar_;
  }
  int64_t as_int() const {
    if (type_ != Type::scalar || quoted_) fail("expected an integer, found " + describe());
    int64_t v = 0;
    const char* b = scalar_.data();
    const char* e = b + scalar_.size();
    if (b != e && *b == '+') ++b;
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec != std::errc() || p != e || b == e) fail("expected an integer, found '" + scalar_ + "'");
    return v;
  }
  double as_double() const {
    if (type_ != Type::scalar || quoted_) fail("expected a number, found " + describe());
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(scalar_.c_str(), &end);
    if (scalar_.empty() || end != scalar_.c_str() + scalar_.size() || errno == ERANGE)
      fail("expected a number, found '" + scalar_ + "'");
    return v;
  }
  bool as_bool() const {
    if (type_ == Type::scalar && !quoted_) {
      if (scalar_ == "true" || scalar_ == "yes" || scalar_ == "on") return true;
      if (scalar_ == "false" || scalar_ == "no" || scalar_ == "off") return false;
    }
    fail("expected true or false, found " + describe());
  }
  bool is_int() const noexcept {
    if (type_ != Type::scalar || quoted_ || scalar_.empty()) return false;
    int64_t v;
    const char* b = scalar_.data() + (scalar_[0] == '+' ? 1 : 0);
    auto [p, ec] = std::from_chars(b, scalar_.data() + scalar_.size(), v);
    return ec == std::errc() && p == scalar_.data() + scalar_.size();
  }
  bool is_number() const noexcept {
    if (type_ != Type::scalar || quoted_ || scalar_.empty()) return false;
    char* end = nullptr;
    std::strtod(scalar_.c_str(), &end);
    return end == scalar_.c_str() + scalar_.size();
  }
  bool is_bool() const noexcept {
    return type_ == Type::scalar && !quoted_ &&
           (scalar_ == "true" || scalar_ == "false" || scalar_ == "yes" || scalar_ == "no" ||
            scalar_ == "on" || scalar_ == "off");
  }

  // --- sequences ---
  const std::vector<ConfigNode>& items() const {
    if (type_ != Type::sequence) fail("expected a list, found " + type_name());
    return items_;
  }
  void push_back(ConfigNode n);

  // --- maps: entries keep their key's position ---
  struct Entry;
  const std::vector<Entry>& entries() const;
  const ConfigNode* find(std::string_view key) const;
  // The value under key; a missing key is a ConfigError at this map's position.
  const ConfigNode& at(std::string_view key) const;
  void insert(std::string key, Mark key_mark, ConfigNode value);

  std::string get_string(std::string_view key, std::string fallback) const {
    const ConfigNode* n = find(key);
    return n && !n->is_null() ? n->as_string() : fallback;
  }
  int64_t get_int(std::string_view key, int64_t fallback) const {
    const ConfigNode* n = find(key);
    return n && !n->is_null() ? n->as_int() : fallback;
  }
  double get_double(std::string_view key, double fallback) const {
    const ConfigNode* n = find(key);
    return n && !n->is_null() ? n->as_double() : fallback;
  }
  bool get_bool(std::string_view key, bool fallback) const {
    const ConfigNode* n = find(key);
    return n && !n->is_null() ? n->as_bool() : fallback;
  }

  [[noreturn]] void fail(std::string message, std::string hint = {}) const {
    throw ConfigError(mark_, std::move(message), std::move(hint));
  }
  std::string type_name() const {
    switch (type_) {
      case Type::null: return "null";
      case Type::scalar: return "a scalar";
      case Type::sequence: return "a list";
      case Type::map: return "a map";
    }
    return "?";
  }

 private:
  std::string describe() const {
    if (type_ != Type::scalar) return type_name();
    return (quoted_ ? "the string \"" : "'") + scalar_ + (quoted_ ? "\"" : "'");
  }

  Type type_ = Type::null;
  bool quoted_ = false;
  std::string scalar_;
  Mark mark_;
  std::vector<ConfigNode> items_;
  std::vector<Entry> entries_;
};

struct ConfigNode::Entry {
  std::string key;
  Mark key_mark;
  ConfigNode value;
};

inline ConfigNode ConfigNode::make_scalar(std::string value, bool quoted, Mark mark) {
  ConfigNode n;
  n.type_ = Type::scalar;
  n.scalar_ = std::move(value);
  n.quoted_ = quoted;
  n.mark_ = std::move(mark);
  return n;
}
inline ConfigNode ConfigNode::make(Type type, Mark mark) {
  ConfigNode n;
  n.type_ = type;
  n.mark_ = std::move(mark);
  return n;
}
inline void ConfigNode::push_back(ConfigNode n) { items_.push_back(std::move(n)); }
inline const std::vector<ConfigNode::Entry>& ConfigNode::entries() const {
  if (type_ != Type::map) fail("expected a map, found " + type_name());
  return entries_;
}
inline const ConfigNode* ConfigNode::find(std::string_view key) const {
  if (type_ != Type::map) return nullptr;
  for (const Entry& e : entries_)
    if (e.key == key) return &e.value;
  return nullptr;
}
inline const ConfigNode& ConfigNode::at(std::string_view key) const {
  if (type_ != Type::map) fail("expected a map with key '" + std::string(key) + "', found " + type_name());
  if (const ConfigNode* n = find(key)) return *n;
  fail("missing required key '" + std::string(key) + "'");
}
inline void ConfigNode::insert(std::string key, Mark key_mark, ConfigNode value) {
  entries_.push_back(Entry{std::move(key), std::move(key_mark), std::move(value)});
}

}  // namespace v1
}  // namespace sluice::sdk
