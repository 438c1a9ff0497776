// Converts yaml-cpp nodes into ConfigNode trees that keep each value's file:line:col.
// Used by the host for pipeline files and by plugins for their own rule files.
#pragma once

#include <sluice/sdk/config.hpp>

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace sluice::sdk {
inline namespace v1 {

// Rewrites a scalar as it is read (the host uses it for ${VAR} interpolation).
using ScalarRewriter = std::function<std::string(const std::string& value, const Mark& mark)>;

inline Mark yaml_mark(const YAML::Mark& m, const std::string& file) {
  return Mark{file, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0};
}

inline ConfigNode config_from_yaml(const YAML::Node& node, const std::string& file,
                                   const ScalarRewriter& rewrite = {}) {
  Mark mark = yaml_mark(node.Mark(), file);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return ConfigNode::make(ConfigNode::Type::null, mark);
    case YAML::NodeType::Scalar: {
      std::string value = node.Scalar();
      if (rewrite) value = rewrite(value, mark);
      // yaml-cpp tags quoted scalars "!" and plain ones "?".
      return ConfigNode::make_scalar(std::move(value), node.Tag() == "!", mark);
    }
    case YAML::NodeType::Sequence: {
      ConfigNode n = ConfigNode::make(ConfigNode::Type::sequence, mark);
      for (const YAML::Node& item : node) n.push_back(config_from_yaml(item, file, rewrite));
      return n;
    }
    case YAML::NodeType::Map: {
      ConfigNode n = ConfigNode::make(ConfigNode::Type::map, mark);
      for (const auto& kv : node) {
        Mark key_mark = yaml_mark(kv.first.Mark(), file);
        if (!kv.first.IsScalar()) throw ConfigError(key_mark, "map keys must be plain strings");
        std::string key = kv.first.Scalar();
        if (n.find(key)) throw ConfigError(key_mark, "duplicate key '" + key + "'");
        n.insert(key, key_mark, config_from_yaml(kv.second, file, rewrite));
      }
      return n;
    }
  }
  return ConfigNode::make(ConfigNode::Type::null, mark);
}

// Parses YAML text; a syntax error becomes a ConfigError at its position.
inline ConfigNode parse_yaml_config(const std::string& text, const std::string& file,
                                    const ScalarRewriter& rewrite = {}) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(yaml_mark(e.mark, file), "invalid YAML: " + e.msg);
  }
  return config_from_yaml(root, file, rewrite);
}

// Reads and parses a YAML file; an unreadable file is a ConfigError at `from`.
inline ConfigNode load_yaml_config_file(const std::string& path, const Mark& from = {}) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(from, "cannot read '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_yaml_config(ss.str(), path);
}

}  // namespace v1
}  // namespace sluice::sdk
