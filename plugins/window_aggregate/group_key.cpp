#include "group_key.hpp"

#include <boost/json/serialize.hpp>

namespace sluice::plugins::window_aggregate {

void GroupKey::append_composite(const boost::json::value& v) {
  // Serialization is canonical enough for grouping: objects keep their key order, so
  // {"a":1,"b":2} and {"b":2,"a":1} are two groups.
  const std::string text = boost::json::serialize(v);
  const auto n = static_cast<uint32_t>(text.size());
  char* p = reserve(1 + sizeof n + n);
  *p = key_tag::kComposite;
  std::memcpy(p + 1, &n, sizeof n);
  std::memcpy(p + 1 + sizeof n, text.data(), n);
  size_ += 1 + sizeof n + n;
}

}  // namespace sluice::plugins::window_aggregate
