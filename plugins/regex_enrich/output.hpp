// A value an operation computed for one record field.
#pragma once

#include <boost/json/value.hpp>

namespace sluice::plugins::regex_enrich {

// `set` false: leave the field as it is (the operation has no value and no default for it).
struct Output {
  boost::json::value value;
  bool set = false;
};

}  // namespace sluice::plugins::regex_enrich
