#include "config/env_interpolation.hpp"

#include <cctype>
#include <cstdlib>

namespace sluice::config {

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

std::string interpolate_env(const std::string& text, const sdk::Mark& mark, const EnvLookup& lookup) {
  if (text.find('$') == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '$' || i + 1 >= text.size()) {
      out += c;
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] != '{') {
      out += c;
      continue;
    }
    std::size_t close = text.find('}', i + 2);
    if (close == std::string::npos)
      throw sdk::ConfigError(mark, "unterminated '${' in \"" + text + "\"", "write ${NAME} or ${NAME:-default}");
    std::string body = text.substr(i + 2, close - i - 2);
    std::string name = body;
    std::optional<std::string> fallback;
    if (std::size_t dash = body.find(":-"); dash != std::string::npos) {
      name = body.substr(0, dash);
      fallback = body.substr(dash + 2);
    }
    bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char n : name) valid = valid && (std::isalnum(static_cast<unsigned char>(n)) || n == '_');
    if (!valid)
      throw sdk::ConfigError(mark, "invalid variable name '" + name + "' in \"" + text + "\"",
                             "names are letters, digits and '_'");
    std::optional<std::string> value = lookup(name);
    if (!value || (value->empty() && fallback)) value = fallback;
    if (!value)
      throw sdk::ConfigError(mark, "environment variable " + name + " is not set",
                             "set it, or give a default: ${" + name + ":-value}");
    out += *value;
    i = close;
  }
  return out;
}

}  // namespace sluice::config
