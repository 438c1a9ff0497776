// Finds a configured field in records, fast: each step remembers where it found its key in the
// previous record and looks there first (common::find_member).
#pragma once

#include "aggregate_spec.hpp"

#include <sluice/plugins/common/member_lookup.hpp>
#include <sluice/plugins/common/short_bytes.hpp>

#include <boost/json/value.hpp>

#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::plugins::window_aggregate {

// Not thread-safe: find() updates the remembered positions (the stage is serial).
class FieldReader {
 public:
  explicit FieldReader(const FieldPath& path) : first_(make_step(path.tokens.at(0), path.pointer)) {
    for (std::size_t i = 1; i < path.tokens.size(); ++i) rest_.push_back(make_step(path.tokens[i], path.pointer));
  }

  // The field's value in the record, or nullptr when it is absent. Views the record.
  [[gnu::always_inline]] const boost::json::value* find(const boost::json::object& record) noexcept {
    const boost::json::value* v = first_.find_entry(record);
    if (rest_.empty() || v == nullptr) return v;
    for (Step& step : rest_) {
      v = step.find(*v);
      if (v == nullptr) return nullptr;
    }
    return v;
  }

 private:
  struct Step {
    common::BytePattern key;
    std::size_t hint = 0;  // where key was found last time
    bool is_index = false;
    std::size_t index = 0;

    [[gnu::always_inline]] const boost::json::value* find_entry(const boost::json::object& o) noexcept {
      const boost::json::key_value_pair* kv = common::find_member(o, key, hint);
      return kv != nullptr ? &kv->value() : nullptr;
    }

    const boost::json::value* find(const boost::json::value& v) noexcept {
      if (const boost::json::object* o = v.if_object()) return find_entry(*o);
      if (is_index) {
        if (const boost::json::array* a = v.if_array()) return index < a->size() ? &(*a)[index] : nullptr;
      }
      return nullptr;
    }
  };

  static Step make_step(const std::string& token, bool pointer) {
    Step step{common::BytePattern(token)};
    // A JSON Pointer token of digits (no leading zero) also indexes arrays.
    if (pointer && !token.empty() && (token == "0" || token[0] != '0')) {
      auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), step.index);
      step.is_index = ec == std::errc() && p == token.data() + token.size();
    }
    return step;
  }

  Step first_;
  std::vector<Step> rest_;
};

// A number as a double: int64, uint64 and double values; false for anything else.
inline bool read_number(const boost::json::value* v, double& out) noexcept {
  if (v == nullptr) return false;
  switch (v->kind()) {
    case boost::json::kind::double_: out = v->get_double(); return true;
    case boost::json::kind::int64: out = static_cast<double>(v->get_int64()); return true;
    case boost::json::kind::uint64: out = static_cast<double>(v->get_uint64()); return true;
    default: return false;
  }
}

}  // namespace sluice::plugins::window_aggregate
