// One regex capture group written to a record field as a typed value.
#pragma once

#include "field_path.hpp"

#include <sluice/sdk/config.hpp>

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

namespace sluice::plugins::regex_enrich {

enum class ValueType { string, integer, number };

// Reads the `type:` word (string, integer, number); ConfigError at `node` otherwise.
ValueType parse_value_type(const sdk::ConfigNode& node);
// Reads a scalar as a value of `type` (null stays null); ConfigError at `node` otherwise.
// The value lives on the default heap resource; copy it into a record's storage to use it.
boost::json::value parse_typed_scalar(const sdk::ConfigNode& node, ValueType type);

// The largest capture group number a config may name.
inline constexpr int kMaxGroup = 31;

// Immutable after parse(); safe to use from several threads at once.
class CaptureSpec {
 public:
  // Reads {group, field, type, default, if_empty}; ConfigError at the offending node.
  static CaptureSpec parse(const sdk::ConfigNode& node);

  int group() const noexcept { return group_; }
  const FieldPath& target() const noexcept { return target_; }
  // The value written when there is nothing to convert, or nullptr to leave the field unset.
  const boost::json::value* fallback() const noexcept { return fallback_ ? &*fallback_ : nullptr; }

  // Sets `out` (on storage `sp`) to the field's value for the captured `text`, where
  // `text.data() == nullptr` means the group did not take part in the match. Text that does
  // not convert to the type gives the fallback. Returns false where the field is to be left
  // unset (no fallback configured).
  bool convert(std::string_view text, const boost::json::storage_ptr& sp, boost::json::value& out) const;

 private:
  int group_ = 1;
  FieldPath target_;
  ValueType type_ = ValueType::string;
  std::optional<boost::json::value> fallback_;
  std::optional<boost::json::value> if_empty_;
};

}  // namespace sluice::plugins::regex_enrich
