#include "field_path.hpp"

#include <string_view>

namespace pii_mask {

FieldPath FieldPath::parse(const sluice::sdk::ConfigNode& node) {
  FieldPath p;
  p.text_ = node.as_string();
  if (p.text_.empty()) node.fail("a field path must not be empty", "write e.g. user.email");
  std::string_view rest = p.text_;
  while (true) {
    std::size_t dot = rest.find('.');
    std::string_view segment = rest.substr(0, dot);
    if (segment.empty())
      node.fail("field path '" + p.text_ + "' has an empty segment", "segments are separated by single dots");
    p.segments_.emplace_back(segment);
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return p;
}

}  // namespace pii_mask
