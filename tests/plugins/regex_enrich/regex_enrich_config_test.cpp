// Config validation at init(): every problem is a ConfigError at the node (or file line) at fault.
#include "reference_config.hpp"
#include "regex_enrich.hpp"
#include "rule_list.hpp"
#include "temp_dir.hpp"

#include <sluice/sdk/testing.hpp>
#include <sluice/sdk/yaml_config.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

namespace sdk = sluice::sdk;
namespace st = sluice::sdk::testing;
using sluice::plugins::regex_enrich::RegexEnrichStage;
using sluice::plugins::regex_enrich::RuleFiles;
using sluice::plugins::regex_enrich::test::kPipelinesDir;
using sluice::plugins::regex_enrich::test::kReferenceConfig;
using sluice::test_support::TempDir;

namespace {

// The ConfigError init() throws for `yaml` (resources resolve in `dir`); fails the test if none.
sdk::ConfigError config_error(const std::string& yaml, const std::filesystem::path& dir = kPipelinesDir) {
  try {
    st::make_stage<RegexEnrichStage>(yaml, "enrich", dir);
  } catch (const sdk::ConfigError& e) {
    return e;
  }
  FAIL("no ConfigError for:\n" << yaml);
  throw;  // unreachable
}

}  // namespace

TEST_CASE("the reference config loads") {
  CHECK_NOTHROW(st::make_stage<RegexEnrichStage>(kReferenceConfig, "enrich", kPipelinesDir));
}

TEST_CASE("an empty config is an error") {
  auto e = config_error("");
  CHECK(std::string(e.what()).find("at least one of classify") != std::string::npos);
  auto lists = config_error("classify: []\nfilter: []\n");
  CHECK(std::string(lists.what()).find("at least one of classify") != std::string::npos);
}

TEST_CASE("an unknown top-level key is an error at that key, suggesting the closest one") {
  auto e = config_error("filter: [{field: a, equals: b}]\nclasify: []\n");
  CHECK(std::string(e.what()) == "unknown key 'clasify' in the regex_enrich config");
  CHECK(e.hint() == "did you mean 'classify'?");
  CHECK(e.mark().file == "test.yaml");
  CHECK(e.mark().line == 2);
  CHECK(e.mark().column == 1);
}

TEST_CASE("unknown keys inside entries, captures and rules are errors with a suggestion") {
  auto extract = config_error("extract:\n  - {field: u, patern: 'x', captures: [{group: 0, field: y}]}\n");
  CHECK(std::string(extract.what()) == "unknown key 'patern' in an extract entry");
  CHECK(extract.hint() == "did you mean 'pattern'?");
  CHECK(extract.mark().line == 2);

  auto capture = config_error("extract:\n  - field: u\n    pattern: '(x)'\n    captures:\n      - {group: 1, feild: y}\n");
  CHECK(capture.hint() == "did you mean 'field'?");
  CHECK(capture.mark().line == 5);

  auto rule = config_error("classify:\n  - field: u\n    target: t\n    rules:\n      - {name: a, patter: 'x'}\n");
  CHECK(std::string(rule.what()) == "unknown key 'patter' in a rule");
  CHECK(rule.hint() == "did you mean 'pattern'?");
  CHECK(rule.mark().line == 5);

  auto unrelated = config_error("filter: [{field: a, equals: b, zzzzzzzz: 1}]\n");
  CHECK(unrelated.hint() == "known keys: field, equals, in, matches");
}

TEST_CASE("a missing rule file is an error at rules_file") {
  auto e = config_error("classify:\n  - field: ua\n    target: browser\n    rules_file: nowhere.yaml\n    section: b\n");
  CHECK(std::string(e.what()).find("cannot read") != std::string::npos);
  CHECK(std::string(e.what()).find("nowhere.yaml") != std::string::npos);
  CHECK(e.mark().line == 4);
  CHECK(e.mark().column == 17);
}

TEST_CASE("a rule file named by several classify entries is read once") {
  TempDir dir;
  dir.write("rules.yaml", "browsers:\n  - {name: a, pattern: 'x'}\nos:\n  - {name: b, pattern: 'y'}\n");
  const std::string path = (dir.path() / "rules.yaml").string();
  const sdk::ConfigNode pipeline = sdk::parse_yaml_config("rules_file: rules.yaml\n", "test.yaml");
  const sdk::ConfigNode& named_at = pipeline.at("rules_file");

  RuleFiles files;
  const sdk::ConfigNode& first = files.load(path, named_at);
  CHECK(first.find("browsers") != nullptr);
  std::filesystem::remove(path);  // a second read would fail now
  const sdk::ConfigNode& second = files.load(path, named_at);
  CHECK(&second == &first);
  CHECK(second.find("os") != nullptr);

  // A file not read yet still fails where the pipeline names it.
  try {
    files.load((dir.path() / "nowhere.yaml").string(), named_at);
    FAIL("no ConfigError for a missing file");
  } catch (const sdk::ConfigError& e) {
    CHECK(std::string(e.what()).find("nowhere.yaml") != std::string::npos);
    CHECK(e.mark().file == "test.yaml");
    CHECK(e.mark().line == 1);
  }
}

TEST_CASE("a malformed rule file is an error at its place in the rule file") {
  TempDir dir;
  dir.write("bad.yaml", "browsers:\n  - {name: a, pattern: 'x'\n");
  auto syntax = config_error("classify:\n  - {field: ua, target: b, rules_file: bad.yaml, section: browsers}\n", dir.path());
  CHECK(std::string(syntax.what()).find("invalid YAML") != std::string::npos);
  CHECK(syntax.mark().file == (dir.path() / "bad.yaml").string());

  dir.write("shape.yaml", "browsers:\n  name: a\n");
  auto shape = config_error("classify:\n  - {field: ua, target: b, rules_file: shape.yaml, section: browsers}\n", dir.path());
  CHECK(std::string(shape.what()).find("rules must be a list") != std::string::npos);
  CHECK(shape.mark().file == (dir.path() / "shape.yaml").string());
  CHECK(shape.mark().line == 2);

  dir.write("noname.yaml", "browsers:\n  - {name: a, pattern: x}\n  - {pattern: y}\n");
  auto noname = config_error("classify:\n  - {field: ua, target: b, rules_file: noname.yaml, section: browsers}\n", dir.path());
  CHECK(std::string(noname.what()) == "a rule needs 'name'");
  CHECK(noname.mark().line == 3);
}

TEST_CASE("a section the rule file lacks is an error at section, suggesting the closest section") {
  auto e = config_error("classify:\n  - {field: ua, target: b, rules_file: user_agents.yaml, section: browser}\n");
  CHECK(std::string(e.what()).find("has no section 'browser'") != std::string::npos);
  CHECK(e.hint() == "did you mean 'browsers'?");
  CHECK(e.mark().line == 2);
  auto whole = config_error("classify:\n  - {field: ua, target: b, rules_file: user_agents.yaml}\n");
  CHECK(std::string(whole.what()).find("name one with 'section'") != std::string::npos);
}

TEST_CASE("an invalid regex is an error at its pattern with RE2's message") {
  auto inline_rule = config_error("classify:\n  - field: ua\n    target: b\n    rules:\n      - {name: a, pattern: 'Chrome/(\\d+'}\n");
  CHECK(std::string(inline_rule.what()) == "invalid regex 'Chrome/(\\d+': missing ): Chrome/(\\d+");
  CHECK(inline_rule.mark().line == 5);
  CHECK(inline_rule.mark().column == 28);

  TempDir dir;
  dir.write("rules.yaml", "os:\n  - {name: a, pattern: 'ok'}\n  - {name: b, pattern: 'x**'}\n");
  auto in_file = config_error("classify:\n  - {field: ua, target: b, rules_file: rules.yaml, section: os}\n", dir.path());
  CHECK(std::string(in_file.what()).find("invalid regex 'x**': bad repetition operator") != std::string::npos);
  CHECK(in_file.mark().file == (dir.path() / "rules.yaml").string());
  CHECK(in_file.mark().line == 3);

  auto extract = config_error("extract:\n  - {field: u, pattern: '[a-', captures: [{group: 0, field: y}]}\n");
  CHECK(std::string(extract.what()).find("missing ]") != std::string::npos);
  auto filter = config_error("filter:\n  - {field: u, matches: '(?<'}\n");
  CHECK(std::string(filter.what()).find("invalid regex") != std::string::npos);
}

TEST_CASE("a capture group the pattern does not have is an error at group") {
  auto extract = config_error("extract:\n  - field: u\n    pattern: '(a)(b)'\n    captures:\n      - {group: 3, field: y}\n");
  CHECK(std::string(extract.what()) == "the pattern has no capture group 3");
  CHECK(extract.mark().line == 5);
  auto classify = config_error("classify:\n  - field: u\n    target: t\n    rules: [{name: a, pattern: '(a)'}]\n"
                               "    captures: [{group: 2, field: y}]\n");
  CHECK(std::string(classify.what()) == "no rule has capture group 2");
  auto range = config_error("extract:\n  - {field: u, pattern: 'a', captures: [{group: -1, field: y}]}\n");
  CHECK(std::string(range.what()).find("out of range") != std::string::npos);
}

TEST_CASE("capture types and defaults are checked") {
  auto type = config_error("extract:\n  - {field: u, pattern: '(a)', captures: [{group: 1, field: y, type: intger}]}\n");
  CHECK(std::string(type.what()) == "unknown type 'intger'");
  CHECK(type.hint() == "did you mean 'integer'?");
  auto fallback = config_error("extract:\n  - {field: u, pattern: '(a)', captures: [{group: 1, field: y, type: integer, default: x}]}\n");
  CHECK(std::string(fallback.what()).find("expected an integer") != std::string::npos);
  auto if_empty = config_error("extract:\n  - {field: u, pattern: '(a)', captures: [{group: 1, field: y, type: number, if_empty: 0}]}\n");
  CHECK(std::string(if_empty.what()) == "if_empty applies to string captures only");
}

TEST_CASE("a field path with an empty segment is an error") {
  auto e = config_error("filter:\n  - {field: 'user..country', equals: x}\n");
  CHECK(std::string(e.what()).find("empty segment") != std::string::npos);
  CHECK(e.mark().line == 2);
}

TEST_CASE("a table without the key column or an output column is an error naming the closest column") {
  auto key = config_error("lookup:\n  - {field: c, table: regions.csv, key_column: countri, columns: {r: region}}\n");
  CHECK(std::string(key.what()).find("has no column 'countri'") != std::string::npos);
  CHECK(key.hint() == "did you mean 'country'?");
  CHECK(key.mark().line == 2);
  auto column = config_error("lookup:\n  - {field: c, table: regions.csv, key_column: country, columns: {r: zone}}\n");
  CHECK(std::string(column.what()).find("has no column 'zone'") != std::string::npos);
  CHECK(column.hint() == "its columns: country, region");
  auto fallback = config_error("lookup:\n  - {field: c, table: regions.csv, columns: {region: region}, default: {regoin: x}}\n");
  CHECK(fallback.hint() == "did you mean 'region'?");
}

TEST_CASE("a missing, ragged or ambiguous table is an error at the table or its line") {
  auto missing = config_error("lookup:\n  - {field: c, table: none.csv, columns: {r: region}}\n");
  CHECK(std::string(missing.what()).find("cannot read table") != std::string::npos);
  CHECK(missing.mark().line == 2);

  TempDir dir;
  dir.write("ragged.csv", "k,v\na,1\nb\n");
  auto ragged = config_error("lookup:\n  - {field: c, table: ragged.csv, columns: {r: v}}\n", dir.path());
  CHECK(std::string(ragged.what()) == "row has 1 fields, the header 2");
  CHECK(ragged.mark().file == (dir.path() / "ragged.csv").string());
  CHECK(ragged.mark().line == 3);

  dir.write("dup.csv", "k,v\na,1\n\nb,2\na,3\n");
  auto dup = config_error("lookup:\n  - {field: c, table: dup.csv, columns: {r: v}}\n", dir.path());
  CHECK(std::string(dup.what()) == "duplicate key 'a' in table (first on line 2)");
  CHECK(dup.mark().line == 5);

  dir.write("quote.csv", "k,v\n\"a,1\n");
  auto quote = config_error("lookup:\n  - {field: c, table: quote.csv, columns: {r: v}}\n", dir.path());
  CHECK(std::string(quote.what()) == "unterminated quoted field");
}

TEST_CASE("a filter entry needs exactly one condition") {
  auto two = config_error("filter:\n  - {field: a, equals: 1, in: [1]}\n");
  CHECK(std::string(two.what()).find("exactly one of") != std::string::npos);
  auto none = config_error("filter:\n  - {field: a}\n");
  CHECK(std::string(none.what()).find("exactly one of") != std::string::npos);
}

TEST_CASE("classify needs rules or rules_file, not both") {
  auto both = config_error("classify:\n  - {field: a, target: b, rules: [{name: x, pattern: y}], rules_file: user_agents.yaml}\n");
  CHECK(std::string(both.what()).find("not both") != std::string::npos);
  auto neither = config_error("classify:\n  - {field: a, target: b}\n");
  CHECK(std::string(neither.what()).find("needs 'rules'") != std::string::npos);
  auto no_target = config_error("classify:\n  - {field: a, rules: [{name: x, pattern: y}]}\n");
  CHECK(std::string(no_target.what()) == "a classify entry needs 'target'");
}
