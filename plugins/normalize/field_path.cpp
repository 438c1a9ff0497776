#include "field_path.hpp"

namespace sluice::plugins::normalize {

FieldPath FieldPath::parse(const sdk::ConfigNode& node) {
  FieldPath path;
  path.text_ = node.as_string();
  if (path.text_.empty()) node.fail("a field path must not be empty", "write a key such as 'user.country'");
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = path.text_.find('.', start);
    const std::size_t end = dot == std::string::npos ? path.text_.size() : dot;
    if (end == start)
      node.fail("field path '" + path.text_ + "' has an empty key",
                "keys are separated by single dots: 'user.country'");
    path.segments_.push_back(path.text_.substr(start, end - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  path.keys_ = common::KeyPath(path.segments_);
  return path;
}

boost::json::object* FieldPath::find_parent(boost::json::value& root, KeyHints hints) const noexcept {
  boost::json::object* object = root.if_object();
  for (std::size_t i = 0; object && i + 1 < keys_.size(); ++i) object = keys_.child_object(*object, i, hints);
  return object;
}

boost::json::object* FieldPath::make_parent(boost::json::value& root, KeyHints hints) const {
  boost::json::object* object = root.if_object();
  for (std::size_t i = 0; object && i + 1 < keys_.size(); ++i) {
    boost::json::key_value_pair* member = keys_.member(*object, i, hints);
    boost::json::value* child =
        member ? &member->value()
               : &object->emplace(segments_[i], boost::json::object(object->storage())).first->value();
    object = child->if_object();
  }
  return object;
}

boost::json::value* FieldPath::find(boost::json::value& root, KeyHints hints) const noexcept {
  boost::json::object* parent = find_parent(root, hints);
  boost::json::key_value_pair* member = parent ? find_in(*parent, hints) : nullptr;
  return member ? &member->value() : nullptr;
}

bool FieldPath::parent_writable(boost::json::value& root, KeyHints hints) const noexcept {
  boost::json::object* object = root.if_object();
  for (std::size_t i = 0; object && i + 1 < keys_.size(); ++i) {
    boost::json::key_value_pair* member = keys_.member(*object, i, hints);
    if (!member) return true;  // missing parents are created
    object = member->value().if_object();
  }
  return object != nullptr;
}

bool FieldPath::is_ancestor_of(const FieldPath& other) const noexcept {
  if (segments_.size() >= other.segments_.size()) return false;
  for (std::size_t i = 0; i < segments_.size(); ++i)
    if (segments_[i] != other.segments_[i]) return false;
  return true;
}

}  // namespace sluice::plugins::normalize
