// Suggestions for misspelled names ("did you mean 'batch_size'?").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::config {

// Levenshtein distance between a and b.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest of `candidates` to `word` when it is close enough to be a likely typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "did you mean 'x'?" for the closest candidate, else "expected one of: a, b, c".
std::string suggestion_hint(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace sluice::config
