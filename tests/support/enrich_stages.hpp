// Pipeline snippets shared by the tests of field pruning across hot swaps.
#pragma once

#include <string>

namespace sluice::test_support {

// A `regex_enrich` stage named enrich, as an entry of a pipeline's `stages:` list: it
// classifies `user_agent` into `family` (firefox or other) and `form` (mobile or desktop).
// Where nothing after it reads `form`, field pruning skips it.
inline const std::string kFamilyFormEnrich = R"(  - name: enrich
    plugin: regex_enrich
    config:
      classify:
        - {field: user_agent, target: family, default: other, rules: [{name: firefox, pattern: Firefox}]}
        - {field: user_agent, target: form, default: desktop, rules: [{name: mobile, pattern: Mobile}]}
)";

}  // namespace sluice::test_support
