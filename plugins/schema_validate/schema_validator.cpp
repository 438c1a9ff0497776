#include "schema_validator.hpp"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <charconv>

#include "json_compare.hpp"
#include "schema_compiler.hpp"

namespace sluice::plugins::schema_validate {
namespace {

namespace json = boost::json;

// The type bits of each json::kind. A double counts as an integer only after a look at its
// value, which the type check does only when the schema needs it.
constexpr std::array<uint8_t, 8> make_kind_types() {
  std::array<uint8_t, 8> t{};
  t[static_cast<int>(json::kind::null)] = kTypeNull;
  t[static_cast<int>(json::kind::bool_)] = kTypeBoolean;
  t[static_cast<int>(json::kind::int64)] = kTypeNumber | kTypeInteger;
  t[static_cast<int>(json::kind::uint64)] = kTypeNumber | kTypeInteger;
  t[static_cast<int>(json::kind::double_)] = kTypeNumber;
  t[static_cast<int>(json::kind::string)] = kTypeString;
  t[static_cast<int>(json::kind::array)] = kTypeArray;
  t[static_cast<int>(json::kind::object)] = kTypeObject;
  return t;
}
constexpr std::array<uint8_t, 8> kKindTypes = make_kind_types();

// Unicode code points of UTF-8 text: every byte that is not a continuation byte (10xxxxxx).
uint64_t count_code_points(std::string_view s) noexcept {
  uint64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool check_string(const StringChecks& c, const json::string& s, ValidationFailure& f) {
  std::string_view text(s.data(), s.size());
  // Valid UTF-8 (all a parsed record holds) has at most as many code points as bytes and at
  // least a quarter as many, which settles most length checks without counting.
  if (c.min_length > 0 && text.size() / 4 < c.min_length && count_code_points(text) < c.min_length)
    return f.fail("minLength");
  if (c.max_length < text.size() && count_code_points(text) > c.max_length) return f.fail("maxLength");
  if (c.shape) {
    if (!c.shape->matches(text)) return f.fail("pattern");
  } else if (c.pattern && !c.pattern->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                                            RE2::UNANCHORED, nullptr, 0)) {
    // An unanchored Match is what RE2::PartialMatch does, without its argument plumbing.
    return f.fail("pattern");
  }
  return true;
}

bool check_number(const NumberChecks& c, const json::value& v, ValidationFailure& f) {
  // `unordered` (a NaN) fails every bound.
  if (c.minimum) {
    NumberOrder o = compare_numbers(v, *c.minimum);
    if (o == NumberOrder::less || o == NumberOrder::unordered) return f.fail("minimum");
  }
  if (c.exclusive_minimum && compare_numbers(v, *c.exclusive_minimum) != NumberOrder::greater)
    return f.fail("exclusiveMinimum");
  if (c.maximum) {
    NumberOrder o = compare_numbers(v, *c.maximum);
    if (o == NumberOrder::greater || o == NumberOrder::unordered) return f.fail("maximum");
  }
  if (c.exclusive_maximum && compare_numbers(v, *c.exclusive_maximum) != NumberOrder::less)
    return f.fail("exclusiveMaximum");
  return true;
}

// Slots held on the stack for the one-pass member match; schemas naming more members in one
// object look each name up in the object instead.
constexpr std::size_t kMaxStackSlots = 64;

// The object keywords, in order, given `member(slot)`: the object's value for a slot's name,
// or null when the object lacks it.
template <class MemberOf>
bool check_members(const ObjectChecks& c, const json::object& o, const MemberOf& member, ValidationFailure& f) {
  for (std::size_t i = 0; i < c.required.size(); ++i) {
    if (!member(c.required_slots[i])) {
      f.push_key(c.required[i]);
      return f.fail("required");
    }
  }
  if (o.size() < c.min_properties) return f.fail("minProperties");
  if (o.size() > c.max_properties) return f.fail("maxProperties");
  for (std::size_t slot = 0; slot < c.properties.size(); ++slot) {
    const json::value* v = member(slot);
    if (v && !validate(*c.properties[slot].schema, *v, f)) {
      f.push_key(c.properties[slot].name);
      return false;
    }
  }
  if (c.additional) {
    const auto declared = static_cast<int>(c.properties.size());
    for (const json::key_value_pair& m : o) {
      int slot = c.index.find(m.key());
      if (slot != PropertyIndex::kNotFound && slot < declared) continue;
      if (!validate(*c.additional, m.value(), f)) {
        f.push_key(m.key());
        return false;
      }
    }
  }
  return true;
}

bool check_object(const ObjectChecks& c, const json::object& o, ValidationFailure& f) {
  const std::size_t slots = c.slot_names.size();
  // One pass over the members beats one search per name unless the object is much larger
  // than the schema (Boost.JSON hashes objects of more than a few members).
  if (slots <= kMaxStackSlots && o.size() <= 2 * slots + 16) {
    const json::value* found[kMaxStackSlots];
    std::fill_n(found, slots, nullptr);
    if (slots > 0) {
      for (const json::key_value_pair& m : o) {
        int slot = c.index.find(m.key());
        if (slot != PropertyIndex::kNotFound) found[slot] = &m.value();
      }
    }
    return check_members(
        c, o, [&found](std::size_t slot) { return found[slot]; }, f);
  }
  return check_members(
      c, o, [&c, &o](std::size_t slot) { return o.if_contains(*c.slot_names[slot]); }, f);
}

bool has_duplicates(const json::array& a) noexcept {
  for (std::size_t i = 1; i < a.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (json_equal(a[i], a[j])) return true;
  return false;
}

bool check_array(const ArrayChecks& c, const json::array& a, ValidationFailure& f) {
  if (a.size() < c.min_items) return f.fail("minItems");
  if (a.size() > c.max_items) return f.fail("maxItems");
  if (c.unique_items && has_duplicates(a)) return f.fail("uniqueItems");
  std::size_t prefix = std::min(a.size(), c.prefix_items.size());
  for (std::size_t i = 0; i < prefix; ++i) {
    if (!validate(*c.prefix_items[i], a[i], f)) {
      f.push_index(i);
      return false;
    }
  }
  if (c.items) {
    for (std::size_t i = prefix; i < a.size(); ++i) {
      if (!validate(*c.items, a[i], f)) {
        f.push_index(i);
        return false;
      }
    }
  }
  return true;
}

bool check_enum(const json::array& allowed, const json::value& v) noexcept {
  if (v.is_string()) {  // the common case, compared inline
    std::string_view s = v.get_string();
    for (const json::value& candidate : allowed)
      if (candidate.is_string() && std::string_view(candidate.get_string()) == s) return true;
    return false;
  }
  for (const json::value& candidate : allowed)
    if (json_equal(candidate, v)) return true;
  return false;
}

// The applicators. A failed branch of anyOf/oneOf/not is expected, so its failure is
// cleared; allOf keeps the failure of its first failing branch.
bool check_applicators(const SchemaNode& n, const json::value& v, ValidationFailure& f) {
  for (const SchemaNodePtr& branch : n.all_of)
    if (!validate(*branch, v, f)) return false;
  if (!n.any_of.empty()) {
    bool any = false;
    for (const SchemaNodePtr& branch : n.any_of) {
      if (validate(*branch, v, f)) {
        any = true;
        break;
      }
      f.clear();
    }
    if (!any) return f.fail("anyOf");
  }
  if (!n.one_of.empty()) {
    int passed = 0;
    for (const SchemaNodePtr& branch : n.one_of) {
      if (validate(*branch, v, f)) {
        if (++passed > 1) break;
      } else {
        f.clear();
      }
    }
    if (passed != 1) return f.fail("oneOf");
  }
  if (n.not_schema) {
    if (validate(*n.not_schema, v, f)) return f.fail("not");
    f.clear();
  }
  return true;
}

// Everything after the type check, for nodes that have more than a type.
bool check_values(const SchemaNode& n, const json::value& v, ValidationFailure& f) {
  if (n.enum_values && !check_enum(*n.enum_values, v)) return f.fail("enum");
  if (n.const_value && !json_equal(*n.const_value, v)) return f.fail("const");
  switch (v.kind()) {
    case json::kind::string:
      if (n.string_checks && !check_string(*n.string_checks, v.get_string(), f)) return false;
      break;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      if (n.number_checks && !check_number(*n.number_checks, v, f)) return false;
      break;
    case json::kind::object:
      if (n.object_checks && !check_object(*n.object_checks, v.get_object(), f)) return false;
      break;
    case json::kind::array:
      if (n.array_checks && !check_array(*n.array_checks, v.get_array(), f)) return false;
      break;
    default:
      break;
  }
  return !n.has_applicators || check_applicators(n, v, f);
}

}  // namespace

bool validate(const SchemaNode& n, const json::value& v, ValidationFailure& f) {
  if ((n.types & kKindTypes[static_cast<int>(v.kind())]) == 0 &&
      !(v.is_double() && (n.types & kTypeInteger) && is_integral_number(v)))
    return f.fail(n.types == 0 ? n.reject_keyword : "type");
  return !n.has_more_checks || check_values(n, v, f);
}

void ValidationFailure::append_pointer(std::string& out) const {
  for (auto it = reversed_path_.rbegin(); it != reversed_path_.rend(); ++it) {
    if (it->is_index) {
      char digits[24];
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, it->index);
      out += '/';
      out.append(digits, end);
    } else {
      append_pointer_token(out, it->key);
    }
  }
}

std::string ValidationFailure::pointer() const {
  std::string out;
  append_pointer(out);
  return out;
}

void ValidationFailure::format_detail(std::string& out) const {
  out.clear();
  append_pointer(out);
  out += ": ";
  out += keyword_ ? keyword_ : "unknown";
}

}  // namespace sluice::plugins::schema_validate
