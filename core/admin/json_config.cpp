#include "admin/json_config.hpp"

#include <boost/json/serialize.hpp>

namespace sluice::admin {

sdk::ConfigNode config_from_json(const boost::json::value& value, const std::string& origin) {
  const sdk::Mark mark{origin, 0, 0};
  using Type = sdk::ConfigNode::Type;
  switch (value.kind()) {
    case boost::json::kind::null: return sdk::ConfigNode::make(Type::null, mark);
    case boost::json::kind::bool_:
      return sdk::ConfigNode::make_scalar(value.get_bool() ? "true" : "false", false, mark);
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return sdk::ConfigNode::make_scalar(boost::json::serialize(value), false, mark);
    case boost::json::kind::string: return sdk::ConfigNode::make_scalar(std::string(value.get_string()), true, mark);
    case boost::json::kind::array: {
      sdk::ConfigNode n = sdk::ConfigNode::make(Type::sequence, mark);
      for (const boost::json::value& item : value.get_array()) n.push_back(config_from_json(item, origin));
      return n;
    }
    case boost::json::kind::object: {
      sdk::ConfigNode n = sdk::ConfigNode::make(Type::map, mark);
      for (const auto& kv : value.get_object())
        n.insert(std::string(kv.key()), mark, config_from_json(kv.value(), origin));
      return n;
    }
  }
  return sdk::ConfigNode::make(Type::null, mark);
}

}  // namespace sluice::admin
