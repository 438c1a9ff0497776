// Fixed-shape patterns must accept exactly the strings RE2 accepts for the same pattern.
#include "fixed_shape.hpp"

#include <catch2/catch.hpp>
#include <re2/re2.h>

#include <random>
#include <string>
#include <vector>

using sluice::plugins::schema_validate::FixedShape;

namespace {

// What the validator asks RE2 when a pattern has no fixed shape.
bool re2_matches(const RE2& re, const std::string& s) {
  return re.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, nullptr, 0);
}

std::unique_ptr<RE2> compile_re2(const std::string& pattern) {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  return std::make_unique<RE2>(pattern, options);
}

}  // namespace

TEST_CASE("fixed shapes agree with RE2 on matches and near misses", "[schema_validate][pattern]") {
  struct Case {
    std::string pattern;
    std::vector<std::string> matching;
  };
  const std::vector<Case> cases = {
      {"^evt-[0-9]{12}$", {"evt-000000000001", "evt-987654321098"}},
      {"^[A-Z]{2}$", {"SE", "BR", "AE"}},
      {"^[0-9a-f]{8}-[0-9a-f]{4}$", {"0123abcd-ef01"}},
      {"^\\d{3}\\.\\d{2}$", {"123.45"}},
      {"^[A-Za-z_][A-Za-z0-9_]{3}$", {"_a1B", "Zzz9"}},
      {"^a/b\\-c$", {"a/b-c"}},
      {"^[._$*\\]\\-]{2}$", {"._", "$*", "]-"}},
      {"^x[\\d]{2}$", {"x42"}},
      {"^$", {""}},
  };
  const std::string alphabet = std::string("evtAZaf09-._$*/]\\ \x01\x7f") + "\xc3\xa9";  // with é's bytes
  std::mt19937 rng(7);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };

  for (const Case& c : cases) {
    INFO("pattern " << c.pattern);
    std::optional<FixedShape> shape = FixedShape::compile(c.pattern);
    REQUIRE(shape.has_value());
    std::unique_ptr<RE2> re = compile_re2(c.pattern);
    REQUIRE(re->ok());

    std::vector<std::string> inputs;
    for (const std::string& m : c.matching) {
      inputs.push_back(m);
      inputs.push_back(m + "x");
      inputs.push_back("x" + m);
      inputs.push_back(m + "\n");
      inputs.push_back(m + "é");
      if (!m.empty()) inputs.push_back(m.substr(1));
      if (!m.empty()) inputs.push_back(m.substr(0, m.size() - 1));
      for (int round = 0; round < 400; ++round) {
        std::string s = m;
        const int edits = 1 + static_cast<int>(pick(2));
        for (int e = 0; e < edits && !s.empty(); ++e) s[pick(s.size())] = alphabet[pick(alphabet.size())];
        inputs.push_back(s);
      }
    }
    for (int round = 0; round < 400; ++round) {
      std::string s;
      const std::size_t n = shape->length() == 0 ? pick(3) : shape->length() - 1 + pick(3);
      for (std::size_t i = 0; i < n; ++i) s += alphabet[pick(alphabet.size())];
      inputs.push_back(s);
    }
    for (const std::string& m : c.matching) CHECK(shape->matches(m));
    for (const std::string& s : inputs) {
      INFO("input '" << s << "'");
      CHECK(shape->matches(s) == re2_matches(*re, s));
    }
  }
}

TEST_CASE("patterns that are not of a fixed shape are left to the regex engine", "[schema_validate][pattern]") {
  for (const char* pattern : {"evt-[0-9]{12}$", "^[A-Z]{2}", "^[^a]$", "^a+$", "^a*$", "^a?$", "^a{1,3}$",
                              "^a{2}?$", "^(ab)$", "^a|b$", "^a$|^b$", "^\\w$", "^\\s$", "^\\u0041$", "^.$",
                              "^a b$", "^a{0}$", "^a{257}$", "^[]a]$", "^[a-]$", "^[z-a]$", "^[]$", "(?i)^a$",
                              "^\xc3\xa9$", "^a{$", "^a}$", "^[a$", "^\\$"}) {
    INFO("pattern " << pattern);
    CHECK_FALSE(FixedShape::compile(pattern).has_value());
  }
}
