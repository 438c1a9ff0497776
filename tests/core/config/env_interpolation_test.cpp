#include "config/env_interpolation.hpp"

#include <catch2/catch.hpp>

#include <map>

using sluice::config::interpolate_env;

namespace {
sluice::config::EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}
const sluice::sdk::Mark kAt{"p.yaml", 3, 9};
}  // namespace

TEST_CASE("set variables are substituted, defaults apply only when unset or empty", "[config][env]") {
  auto env = fake_env({{"INPUT", "events.ndjson"}, {"EMPTY", ""}});
  CHECK(interpolate_env("${INPUT}", kAt, env) == "events.ndjson");
  CHECK(interpolate_env("data/${INPUT}.gz", kAt, env) == "data/events.ndjson.gz");
  CHECK(interpolate_env("${MISSING:-out.db}", kAt, env) == "out.db");
  CHECK(interpolate_env("${INPUT:-other}", kAt, env) == "events.ndjson");
  CHECK(interpolate_env("${EMPTY:-fallback}", kAt, env) == "fallback");
  CHECK(interpolate_env("${MISSING:-}", kAt, env).empty());
  CHECK(interpolate_env("cost $$5 and $HOME", kAt, env) == "cost $5 and $HOME");
}

TEST_CASE("an unset variable without default is an error naming it at the scalar's position", "[config][env]") {
  auto env = fake_env({});
  try {
    interpolate_env("${METRICS_DB}", kAt, env);
    FAIL("expected a ConfigError");
  } catch (const sluice::sdk::ConfigError& e) {
    CHECK(std::string(e.what()).find("METRICS_DB") != std::string::npos);
    CHECK(e.format().rfind("p.yaml:3:9: error:", 0) == 0);
    CHECK(e.hint().find("${METRICS_DB:-") != std::string::npos);
  }
}

TEST_CASE("malformed references are errors", "[config][env]") {
  auto env = fake_env({});
  CHECK_THROWS_AS(interpolate_env("${UNCLOSED", kAt, env), sluice::sdk::ConfigError);
  CHECK_THROWS_AS(interpolate_env("${1BAD}", kAt, env), sluice::sdk::ConfigError);
  CHECK_THROWS_AS(interpolate_env("${}", kAt, env), sluice::sdk::ConfigError);
}
