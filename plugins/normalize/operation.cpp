#include "operation.hpp"

#include <cstring>
#include <string_view>

#include "rfc3339.hpp"

namespace sluice::plugins::normalize {

namespace {

bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

void rename(const Operation& op, boost::json::value& record, KeyHints hints) {
  boost::json::object* from_parent = op.field.find_parent(record, hints);
  if (!from_parent) return;
  boost::json::key_value_pair* it = op.field.find_in(*from_parent, hints);
  if (!it) return;
  // Check before anything moves, so that a blocked target leaves the record as it was.
  if (!op.to_under_field && !op.to.parent_writable(record, hints)) return;
  boost::json::value moved(std::move(it->value()));  // same storage: steals, no copy
  from_parent->stable_erase(it);                     // keeps the order of the other keys
  // Erasing first also keeps `to` from growing the object when it replaces `from`.
  op.to.make_parent(record, hints)->insert_or_assign(op.to.key(), std::move(moved));
}

void set_default(const Operation& op, boost::json::value& record, KeyHints hints) {
  if (op.field.find(record, hints)) return;  // present, even as null
  if (boost::json::object* parent = op.field.make_parent(record, hints))
    parent->emplace(op.field.key(), op.value);  // copies onto the object's storage
}

template <char kFirst, int kShift>
void shift_ascii_case(const Operation& op, boost::json::value& record, KeyHints hints) {
  boost::json::value* v = op.field.find(record, hints);
  if (!v || !v->is_string()) return;
  for (char& c : v->get_string())
    if (c >= kFirst && c <= kFirst + 25) c = static_cast<char>(c + kShift);
}

void trim(const Operation& op, boost::json::value& record, KeyHints hints) {
  boost::json::value* v = op.field.find(record, hints);
  if (!v || !v->is_string()) return;
  boost::json::string& s = v->get_string();
  std::size_t begin = 0;
  std::size_t end = s.size();
  while (begin < end && is_ascii_space(s[begin])) ++begin;
  while (end > begin && is_ascii_space(s[end - 1])) --end;
  if (begin == 0 && end == s.size()) return;
  if (begin > 0) std::memmove(s.data(), s.data() + begin, end - begin);
  s.resize(end - begin);  // shrinking never allocates
}

void parse_timestamp(const Operation& op, boost::json::value& record, KeyHints hints) {
  boost::json::object* parent = op.field.find_parent(record, hints);
  if (!parent) return;
  boost::json::key_value_pair* it = op.field.find_in(*parent, hints);
  if (!it || !it->value().is_string()) return;
  const boost::json::string& text = it->value().get_string();
  const auto millis = parse_rfc3339_ms(std::string_view(text.data(), text.size()));
  if (!millis) return;
  if (op.to == op.field) {
    it->value() = *millis;
    return;
  }
  if (!op.to.parent_writable(record, hints)) return;
  if (op.remove_source) parent->stable_erase(it);  // first, so `to` can reuse its slot
  op.to.make_parent(record, hints)->insert_or_assign(op.to.key(), *millis);
}

}  // namespace

void apply(const Operation& op, boost::json::value& record, KeyHints hints) {
  switch (op.kind) {
    case OpKind::rename:
      return rename(op, record, hints);
    case OpKind::set_default:
      return set_default(op, record, hints);
    case OpKind::lowercase:
      return shift_ascii_case<'A', 'a' - 'A'>(op, record, hints);
    case OpKind::uppercase:
      return shift_ascii_case<'a', 'A' - 'a'>(op, record, hints);
    case OpKind::trim:
      return trim(op, record, hints);
    case OpKind::parse_timestamp:
      return parse_timestamp(op, record, hints);
  }
}

}  // namespace sluice::plugins::normalize
