#include "field_path.hpp"

#include <algorithm>

namespace sluice::plugins::regex_enrich {

namespace json = boost::json;

FieldPath FieldPath::parse(const sdk::ConfigNode& node) {
  FieldPath p;
  p.text_ = node.as_string();
  if (p.text_.empty()) node.fail("a field path must not be empty", "write e.g. user.country");
  std::string_view rest = p.text_;
  while (true) {
    std::size_t dot = rest.find('.');
    std::string_view seg = rest.substr(0, dot);
    if (seg.empty())
      node.fail("field path '" + p.text_ + "' has an empty segment", "segments are separated by single dots");
    p.segments_.emplace_back(seg);
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  p.keys_ = common::KeyPath(p.segments_);
  return p;
}

const json::value* FieldPath::find(const json::object& root, KeyHints hints) const noexcept {
  const json::key_value_pair* member = keys_.find(root, hints);
  return member ? &member->value() : nullptr;
}

bool FieldPath::find_string(const json::object& root, std::string_view& out, KeyHints hints) const noexcept {
  const json::value* v = find(root, hints);
  if (v == nullptr || !v->is_string()) return false;
  const json::string& s = v->get_string();
  out = std::string_view(s.data(), s.size());
  return true;
}

bool FieldPath::assign(json::object& root, const json::value& v, std::string_view* blocked) const {
  json::object* obj = &root;
  for (std::size_t i = 0; i + 1 < segments_.size(); ++i) {
    json::value& parent = obj->emplace(segments_[i], json::object(obj->storage())).first->value();
    obj = parent.if_object();
    if (obj == nullptr) {
      if (blocked != nullptr) *blocked = segments_[i];
      return false;
    }
  }
  obj->insert_or_assign(segments_.back(), v);
  return true;
}

bool FieldPath::overlaps(const FieldPath& other) const noexcept {
  std::size_t n = std::min(segments_.size(), other.segments_.size());
  return std::equal(segments_.begin(), segments_.begin() + n, other.segments_.begin());
}

}  // namespace sluice::plugins::regex_enrich
