#include "config_keys.hpp"

#include <algorithm>
#include <vector>

namespace sluice::plugins::regex_enrich {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string known_list(std::initializer_list<std::string_view> known) {
  std::string s;
  for (std::string_view k : known) {
    if (!s.empty()) s += ", ";
    s += k;
  }
  return s;
}

}  // namespace

std::string closest_key(std::string_view key, std::span<const std::string_view> known) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, key.size() / 3) + 1;
  for (std::string_view k : known) {
    std::size_t d = edit_distance(key, k);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(k);
    }
  }
  return best;
}

void require_keys_known(const sdk::ConfigNode& node, std::string_view what,
                        std::initializer_list<std::string_view> known) {
  if (!node.is_map()) node.fail(std::string(what) + " must be a map, found " + node.type_name());
  for (const auto& entry : node.entries()) {
    if (std::find(known.begin(), known.end(), entry.key) != known.end()) continue;
    std::string suggestion = closest_key(entry.key, known);
    throw sdk::ConfigError(entry.key_mark, "unknown key '" + entry.key + "' in " + std::string(what),
                           suggestion.empty() ? "known keys: " + known_list(known)
                                              : "did you mean '" + suggestion + "'?");
  }
}

const sdk::ConfigNode& require_key(const sdk::ConfigNode& node, std::string_view key, std::string_view what) {
  const sdk::ConfigNode* n = node.find(key);
  if (n == nullptr || n->is_null())
    node.fail(std::string(what) + " needs '" + std::string(key) + "'");
  return *n;
}

}  // namespace sluice::plugins::regex_enrich
