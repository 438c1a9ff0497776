// One normalize operation, compiled from config, and how it changes a record.
#pragma once

#include <boost/json/value.hpp>

#include "field_path.hpp"

namespace sluice::plugins::normalize {

enum class OpKind {
  rename,           // field -> to, any type; replaces an existing `to`
  set_default,      // field = value where field is absent (YAML `op: default`)
  lowercase,        // ASCII lower-case, strings only
  uppercase,        // ASCII upper-case, strings only
  trim,             // strips leading and trailing ASCII white space, strings only
  parse_timestamp,  // RFC 3339 string field -> integer milliseconds in `to`
};

// Immutable after compile; applied from several threads at once.
struct Operation {
  OpKind kind = OpKind::rename;
  FieldPath field;  // the field read (rename: `from`)
  FieldPath to;     // rename and parse_timestamp: the field written
  // set_default: the value set, on the default heap resource; copied into each batch arena.
  boost::json::value value;
  // parse_timestamp: remove `field` once it parsed.
  bool remove_source = true;
  // `to` lies under `field`: removing `field` first makes the way to `to` free.
  bool to_under_field = false;
};

// Applies `op` to one record. Where the field is absent, or has a type the operation does not
// handle, or a parent on the way is not an object, the record is left as it is. Values it
// creates use the record's storage (the batch arena). `hints` holds a slot for every key of the
// operation's paths (see FieldPath::number_keys). Throws only std::bad_alloc.
void apply(const Operation& op, boost::json::value& record, KeyHints hints);

}  // namespace sluice::plugins::normalize
