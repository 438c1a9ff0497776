#include "plugin/semver.hpp"

#include <catch2/catch.hpp>

using sluice::plugin::Version;
using sluice::plugin::VersionRequirement;

namespace {
bool matches(const char* requirement, const char* version) {
  return VersionRequirement::parse(requirement).matches(*Version::parse(version));
}
}  // namespace

TEST_CASE("versions parse and order numerically", "[plugin][semver]") {
  CHECK(Version::parse("1.2.3") == Version{1, 2, 3});
  CHECK_FALSE(Version::parse("1.2"));
  CHECK(Version::parse("1.2", true) == Version{1, 2, 0});
  CHECK_FALSE(Version::parse("1.2.x.4"));
  CHECK_FALSE(Version::parse("a.b.c"));
  CHECK(*Version::parse("1.10.0") > *Version::parse("1.9.9"));
}

TEST_CASE("requirements follow the usual caret, tilde and range rules", "[plugin][semver]") {
  CHECK(matches("^1", "1.0.0"));
  CHECK(matches("^1", "1.9.3"));
  CHECK_FALSE(matches("^1", "2.0.0"));
  CHECK(matches("^1.2", "1.2.0"));
  CHECK_FALSE(matches("^1.2", "1.1.9"));
  CHECK(matches("^0.2.3", "0.2.9"));
  CHECK_FALSE(matches("^0.2.3", "0.3.0"));
  CHECK(matches("~1.2", "1.2.7"));
  CHECK_FALSE(matches("~1.2", "1.3.0"));
  CHECK(matches("1.2.3", "1.2.3"));
  CHECK_FALSE(matches("1.2.3", "1.2.4"));
  CHECK(matches("=1.2.3", "1.2.3"));
  CHECK(matches(">=1.2 <2", "1.5.0"));
  CHECK_FALSE(matches(">=1.2 <2", "2.0.0"));
  CHECK(matches("*", "7.7.7"));
  CHECK(matches("", "0.0.1"));
  CHECK(matches("1", "1.4.0"));
  CHECK_THROWS_AS(VersionRequirement::parse("^banana"), std::invalid_argument);
}
