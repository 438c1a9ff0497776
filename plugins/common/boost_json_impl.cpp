// Boost.JSON's implementation, for the plugins that embed it (sluice_embed_boost_json in
// plugins/CMakeLists.txt).
#include <boost/json/src.hpp>
