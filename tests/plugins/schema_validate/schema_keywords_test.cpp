// Keyword semantics of the compiled schema, checked without the stage: each case compiles a
// schema and reports "" for a valid instance or the dead-letter detail of the first failure.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "schema_compiler.hpp"
#include "schema_validator.hpp"

namespace {

namespace json = boost::json;
using namespace sluice::plugins::schema_validate;

std::string check(std::string_view schema, std::string_view instance) {
  SchemaNodePtr node = compile_schema(json::parse(schema));
  json::value value = json::parse(instance);  // the failure's path views its keys
  ValidationFailure failure;
  if (validate(*node, value, failure)) return "";
  std::string detail;
  failure.format_detail(detail);
  return detail;
}

// The JSON Pointer (in the schema) of the compile error, or "compiled" when there is none.
std::string compile_error_at(std::string_view schema) {
  try {
    compile_schema(json::parse(schema));
  } catch (const SchemaError& e) {
    return e.pointer();
  }
  return "compiled";
}

}  // namespace

TEST_CASE("type accepts each named JSON type and rejects the others", "[schema_validate][type]") {
  CHECK(check(R"({"type":"null"})", "null") == "");
  CHECK(check(R"({"type":"null"})", "0") == ": type");
  CHECK(check(R"({"type":"boolean"})", "false") == "");
  CHECK(check(R"({"type":"boolean"})", "0") == ": type");
  CHECK(check(R"({"type":"object"})", "{}") == "");
  CHECK(check(R"({"type":"object"})", "[]") == ": type");
  CHECK(check(R"({"type":"array"})", "[]") == "");
  CHECK(check(R"({"type":"array"})", "{}") == ": type");
  CHECK(check(R"({"type":"string"})", R"("3")") == "");
  CHECK(check(R"({"type":"string"})", "3") == ": type");
  CHECK(check(R"({"type":"number"})", "3") == "");
  CHECK(check(R"({"type":"number"})", "-3") == "");
  CHECK(check(R"({"type":"number"})", "18446744073709551615") == "");
  CHECK(check(R"({"type":"number"})", "3.5") == "");
  CHECK(check(R"({"type":"number"})", R"("3.5")") == ": type");
}

TEST_CASE("integer means a number with no fractional part, whatever its representation", "[schema_validate][type]") {
  CHECK(check(R"({"type":"integer"})", "3") == "");
  CHECK(check(R"({"type":"integer"})", "-3") == "");
  CHECK(check(R"({"type":"integer"})", "18446744073709551615") == "");
  CHECK(check(R"({"type":"integer"})", "3.0") == "");
  CHECK(check(R"({"type":"integer"})", "1e3") == "");
  CHECK(check(R"({"type":"integer"})", "-0.0") == "");
  CHECK(check(R"({"type":"integer"})", "3.5") == ": type");
  CHECK(check(R"({"type":"integer"})", "1e-3") == ": type");
  CHECK(check(R"({"type":"integer"})", R"("3")") == ": type");
}

TEST_CASE("type given as an array accepts any of the listed types", "[schema_validate][type]") {
  CHECK(check(R"({"type":["string","null"]})", R"("a")") == "");
  CHECK(check(R"({"type":["string","null"]})", "null") == "");
  CHECK(check(R"({"type":["string","null"]})", "1") == ": type");
  CHECK(check(R"({"type":["integer","boolean"]})", "2.5") == ": type");
  CHECK(check(R"({"type":["integer","boolean"]})", "2.0") == "");
}

TEST_CASE("enum compares by JSON equality across mixed types", "[schema_validate][enum]") {
  const char* schema = R"({"enum":[1,"a",null,true,{"k":[1,"x"]},[2]]})";
  CHECK(check(schema, "1") == "");
  CHECK(check(schema, "1.0") == "");
  CHECK(check(schema, R"("a")") == "");
  CHECK(check(schema, "null") == "");
  CHECK(check(schema, "true") == "");
  CHECK(check(schema, R"({"k":[1.0,"x"]})") == "");
  CHECK(check(schema, "[2]") == "");
  CHECK(check(schema, R"("1")") == ": enum");
  CHECK(check(schema, "false") == ": enum");
  CHECK(check(schema, "2") == ": enum");
  CHECK(check(schema, R"({"k":["x",1]})") == ": enum");
  CHECK(check(schema, R"({"k":[1,"x"],"z":0})") == ": enum");
  CHECK(check(schema, "[2,2]") == ": enum");
}

TEST_CASE("const compares by JSON equality, so 1 equals 1.0", "[schema_validate][const]") {
  CHECK(check(R"({"const":1})", "1.0") == "");
  CHECK(check(R"({"const":1.0})", "1") == "");
  CHECK(check(R"({"const":1})", "1.5") == ": const");
  CHECK(check(R"({"const":"x"})", R"("y")") == ": const");
  CHECK(check(R"({"const":{"a":1,"b":[true]}})", R"({"b":[true],"a":1.0})") == "");
  CHECK(check(R"({"const":{"a":1}})", R"({"a":1,"b":2})") == ": const");
  CHECK(check(R"({"const":null})", "false") == ": const");
  CHECK(check(R"({"const":18446744073709551615})", "18446744073709551615") == "");
  CHECK(check(R"({"const":-1})", "18446744073709551615") == ": const");
}

TEST_CASE("minLength and maxLength count Unicode code points, not bytes", "[schema_validate][string]") {
  CHECK(check(R"({"minLength":1,"maxLength":1})", "\"\xC3\xA9\"") == "");          // é: 2 bytes
  CHECK(check(R"({"minLength":1,"maxLength":1})", "\"\xF0\x9F\x98\x80\"") == "");  // 😀: 4 bytes
  CHECK(check(R"({"minLength":2})", "\"\xC3\xA9\"") == ": minLength");
  CHECK(check(R"({"minLength":2})", "\"\xF0\x9F\x98\x80\"") == ": minLength");
  CHECK(check(R"({"maxLength":1})", "\"\xC3\xA9\xC3\xA9\"") == ": maxLength");
  CHECK(check(R"({"minLength":1})", R"("")") == ": minLength");
  CHECK(check(R"({"minLength":0})", R"("")") == "");
}

TEST_CASE("maxLength and minLength hold exactly at the bound", "[schema_validate][string]") {
  CHECK(check(R"({"maxLength":3})", R"("abc")") == "");
  CHECK(check(R"({"maxLength":3})", R"("abcd")") == ": maxLength");
  CHECK(check(R"({"maxLength":3})", "\"a\xC3\xA9\xF0\x9F\x98\x80\"") == "");
  CHECK(check(R"({"maxLength":2})", "\"a\xC3\xA9\xF0\x9F\x98\x80\"") == ": maxLength");
  CHECK(check(R"({"minLength":3})", R"("abc")") == "");
  CHECK(check(R"({"minLength":3})", R"("ab")") == ": minLength");
}

TEST_CASE("pattern searches unanchored with RE2 on UTF-8", "[schema_validate][string]") {
  const char* two_capitals = R"({"pattern":"^[A-Z]{2}$"})";
  CHECK(check(two_capitals, R"("DE")") == "");
  CHECK(check(two_capitals, R"("de")") == ": pattern");
  CHECK(check(two_capitals, R"("DEU")") == ": pattern");
  CHECK(check(two_capitals, R"("D\nE")") == ": pattern");
  CHECK(check(two_capitals, R"("DE\n")") == ": pattern");
  CHECK(check(R"({"pattern":"[0-9]"})", R"("ab3c")") == "");
  CHECK(check(R"({"pattern":"[0-9]"})", R"("abc")") == ": pattern");
  CHECK(check(R"({"pattern":"^.$"})", "\"\xC3\xA9\"") == "");  // one code point, two bytes
}

TEST_CASE("string keywords ignore values that are not strings", "[schema_validate][string]") {
  CHECK(check(R"({"minLength":5,"pattern":"^x$"})", "12") == "");
  CHECK(check(R"({"minimum":10})", R"("5")") == "");
  CHECK(check(R"({"required":["a"]})", "[]") == "");
  CHECK(check(R"({"maxItems":0})", "{\"a\":1}") == "");
}

TEST_CASE("minimum 0 accepts -0.0 and rejects -1e-300", "[schema_validate][number]") {
  CHECK(check(R"({"minimum":0})", "0") == "");
  CHECK(check(R"({"minimum":0})", "-0.0") == "");
  CHECK(check(R"({"minimum":0})", "-1e-300") == ": minimum");
  CHECK(check(R"({"minimum":0})", "-1") == ": minimum");
  CHECK(check(R"({"minimum":0.0})", "-0.0") == "");
  CHECK(check(R"({"minimum":1.5})", "1") == ": minimum");
  CHECK(check(R"({"minimum":1.5})", "2") == "");
  CHECK(check(R"({"minimum":1.5})", "1.5") == "");
}

TEST_CASE("numeric bounds compare int64, uint64 and double exactly", "[schema_validate][number]") {
  // A uint64 beyond 2^63 is above every int64.
  CHECK(check(R"({"maximum":9223372036854775807})", "18446744073709551615") == ": maximum");
  CHECK(check(R"({"minimum":-1})", "18446744073709551615") == "");
  // 2^64 as a double lies above the largest uint64.
  CHECK(check(R"({"exclusiveMaximum":1.8446744073709552e19})", "18446744073709551615") == "");
  CHECK(check(R"({"maximum":1e19})", "18446744073709551615") == ": maximum");
  // 2^53 + 1 is not equal to the double 2^53 (converting it to double would say it is).
  CHECK(check(R"({"maximum":9007199254740992.0})", "9007199254740993") == ": maximum");
  CHECK(check(R"({"exclusiveMinimum":9007199254740992.0})", "9007199254740993") == "");
  // A big double against an int64 bound.
  CHECK(check(R"({"minimum":-9223372036854775808})", "-9.3e18") == ": minimum");
  CHECK(check(R"({"maximum":9223372036854775807})", "1e300") == ": maximum");
  CHECK(check(R"({"maximum":18446744073709551615})", "1.8446744073709552e19") == ": maximum");
  CHECK(check(R"({"minimum":-1e300})", "-9223372036854775808") == "");
}

TEST_CASE("exclusive bounds reject the bound itself", "[schema_validate][number]") {
  CHECK(check(R"({"exclusiveMinimum":0})", "0") == ": exclusiveMinimum");
  CHECK(check(R"({"exclusiveMinimum":0})", "-0.0") == ": exclusiveMinimum");
  CHECK(check(R"({"exclusiveMinimum":0})", "1e-300") == "");
  CHECK(check(R"({"exclusiveMaximum":10})", "10") == ": exclusiveMaximum");
  CHECK(check(R"({"exclusiveMaximum":10})", "10.0") == ": exclusiveMaximum");
  CHECK(check(R"({"exclusiveMaximum":10})", "9.999") == "");
  CHECK(check(R"({"maximum":10})", "10.0") == "");
  CHECK(check(R"({"maximum":10})", "10.000001") == ": maximum");
}

TEST_CASE("required points at the first missing property in the schema's order", "[schema_validate][object]") {
  CHECK(check(R"({"required":["b","a"]})", "{}") == "/b: required");
  CHECK(check(R"({"required":["b","a"]})", R"({"b":null})") == "/a: required");
  CHECK(check(R"({"required":["b","a"]})", R"({"a":1,"b":2})") == "");
  CHECK(check(R"({"properties":{"user":{"required":["country"]}}})", R"({"user":{}})") == "/user/country: required");
}

TEST_CASE("properties validate present members and skip absent ones", "[schema_validate][object]") {
  const char* schema = R"({"properties":{"a":{"type":"string"},"b":{"type":"integer"}}})";
  CHECK(check(schema, "{}") == "");
  CHECK(check(schema, R"({"a":"x","b":2,"c":[]})") == "");
  CHECK(check(schema, R"({"b":"x","a":1})") == "/a: type");  // schema order, not record order
  CHECK(check(schema, R"({"a":"x","b":2.5})") == "/b: type");
}

TEST_CASE("additionalProperties false rejects undeclared members", "[schema_validate][object]") {
  const char* schema = R"({"properties":{"a":{},"b":{}},"additionalProperties":false})";
  CHECK(check(schema, R"({"a":1,"b":2})") == "");
  CHECK(check(schema, R"({"a":1,"zz":2})") == "/zz: additionalProperties");
  CHECK(check(R"({"additionalProperties":false})", "{}") == "");
  CHECK(check(R"({"additionalProperties":false})", R"({"x":1})") == "/x: additionalProperties");
}

TEST_CASE("additionalProperties as a schema validates undeclared members", "[schema_validate][object]") {
  const char* schema = R"({"properties":{"name":{"type":"string"}},"additionalProperties":{"type":"integer"}})";
  CHECK(check(schema, R"({"name":"n","x":1,"y":2})") == "");
  CHECK(check(schema, R"({"name":"n","x":1,"y":"2"})") == "/y: type");
  CHECK(check(R"({"additionalProperties":true})", R"({"x":1})") == "");
}

TEST_CASE("minProperties and maxProperties count members", "[schema_validate][object]") {
  CHECK(check(R"({"minProperties":1})", "{}") == ": minProperties");
  CHECK(check(R"({"minProperties":1,"maxProperties":1})", R"({"a":1})") == "");
  CHECK(check(R"({"maxProperties":1})", R"({"a":1,"b":2})") == ": maxProperties");
}

TEST_CASE("minItems, maxItems and items check arrays and point at the failing element", "[schema_validate][array]") {
  CHECK(check(R"({"minItems":1})", "[]") == ": minItems");
  CHECK(check(R"({"minItems":1,"maxItems":2})", "[1,2]") == "");
  CHECK(check(R"({"maxItems":2})", "[1,2,3]") == ": maxItems");
  CHECK(check(R"({"properties":{"tags":{"items":{"type":"string"}}}})", R"({"tags":["a","b","c",4]})") ==
        "/tags/3: type");
  CHECK(check(R"({"items":{"type":"string"}})", "[]") == "");
  CHECK(check(R"({"items":false})", "[]") == "");
  CHECK(check(R"({"items":false})", "[1]") == "/0: items");
}

TEST_CASE("prefixItems check leading elements and items the rest", "[schema_validate][array]") {
  const char* schema = R"({"prefixItems":[{"type":"string"},{"type":"integer"}],"items":false})";
  CHECK(check(schema, R"(["a",1])") == "");
  CHECK(check(schema, R"(["a"])") == "");
  CHECK(check(schema, R"(["a","b"])") == "/1: type");
  CHECK(check(schema, R"(["a",1,null])") == "/2: items");
}

TEST_CASE("uniqueItems uses JSON equality", "[schema_validate][array]") {
  CHECK(check(R"({"uniqueItems":true})", R"([1,"1",[1],{"a":1}])") == "");
  CHECK(check(R"({"uniqueItems":true})", "[1,2,1.0]") == ": uniqueItems");
  CHECK(check(R"({"uniqueItems":true})", R"([{"a":1,"b":2},{"b":2,"a":1}])") == ": uniqueItems");
  CHECK(check(R"({"uniqueItems":false})", "[1,1]") == "");
}

TEST_CASE("allOf, anyOf, oneOf and not combine subschemas", "[schema_validate][applicator]") {
  CHECK(check(R"({"allOf":[{"type":"integer"},{"minimum":3}]})", "4") == "");
  CHECK(check(R"({"allOf":[{"type":"integer"},{"minimum":3}]})", "2") == ": minimum");
  CHECK(check(R"({"anyOf":[{"type":"string"},{"minimum":3}]})", "4") == "");
  CHECK(check(R"({"anyOf":[{"type":"string"},{"minimum":3}]})", "2") == ": anyOf");
  CHECK(check(R"({"oneOf":[{"type":"integer"},{"minimum":3}]})", "2") == "");
  CHECK(check(R"({"oneOf":[{"type":"integer"},{"minimum":3}]})", "4") == ": oneOf");
  CHECK(check(R"({"oneOf":[{"type":"string"},{"type":"null"}]})", "4") == ": oneOf");
  CHECK(check(R"({"not":{"type":"null"}})", "4") == "");
  CHECK(check(R"({"not":{"type":"null"}})", "null") == ": not");
}

TEST_CASE("a failed anyOf branch leaves no trace in the reported pointer", "[schema_validate][applicator]") {
  const char* schema = R"({"properties":{"x":{"anyOf":[{"type":"string"},{"properties":{"y":{"type":"integer"}}}]}}})";
  CHECK(check(schema, R"({"x":{"y":1}})") == "");
  CHECK(check(schema, R"({"x":{"y":"s"}})") == "/x: anyOf");
}

TEST_CASE("boolean schemas accept everything or nothing", "[schema_validate][boolean]") {
  CHECK(check("true", R"({"a":[1,{}]})") == "");
  CHECK(check("false", "null") == ": false");
  CHECK(check("{}", "12") == "");
  CHECK(check(R"({"properties":{"x":false}})", "{}") == "");
  CHECK(check(R"({"properties":{"x":false}})", R"({"x":1})") == "/x: properties");
  CHECK(check(R"({"properties":{"x":true}})", R"({"x":1})") == "");
}

TEST_CASE("checks run in the documented order and the first failure wins", "[schema_validate][order]") {
  CHECK(check(R"({"type":"string","enum":["a"]})", "1") == ": type");
  CHECK(check(R"({"enum":["abc"],"minLength":5})", R"("ab")") == ": enum");
  CHECK(check(R"({"const":"abc","minLength":5})", R"("ab")") == ": const");
  CHECK(check(R"({"pattern":"^x","minLength":3})", R"("y")") == ": minLength");
  CHECK(check(R"({"pattern":"^x","maxLength":1})", R"("yy")") == ": maxLength");
  CHECK(check(R"({"maximum":-5,"minimum":0})", "-1") == ": minimum");
  CHECK(check(R"({"exclusiveMinimum":0,"maximum":-1})", "0") == ": exclusiveMinimum");
  CHECK(check(R"({"properties":{"b":{"type":"string"}},"required":["a"]})", R"({"b":1})") == "/a: required");
  CHECK(check(R"({"additionalProperties":false,"properties":{"a":{"type":"string"}}})", R"({"z":1,"a":1})") ==
        "/a: type");
  CHECK(check(R"({"items":{"type":"string"},"maxItems":1})", "[1,2]") == ": maxItems");
  CHECK(check(R"({"properties":{"a":{"type":"string"},"b":{"type":"string"}}})", R"({"a":1,"b":2})") == "/a: type");
}

TEST_CASE("pointer tokens escape ~ and /", "[schema_validate][pointer]") {
  const char* schema = R"({"properties":{"a/b":{"type":"string"},"m~n":{"properties":{"":{"type":"string"}}}}})";
  CHECK(check(schema, R"({"a/b":1})") == "/a~1b: type");
  CHECK(check(schema, R"({"m~n":{"":1}})") == "/m~0n/: type");
  CHECK(check(R"({"required":["x/~y"]})", "{}") == "/x~1~0y: required");
}

TEST_CASE("keywords the compiler does not implement are rejected with their pointer", "[schema_validate][compile]") {
  CHECK(compile_error_at(R"({"$ref":"#/$defs/a"})") == "/$ref");
  CHECK(compile_error_at(R"({"format":"email"})") == "/format");
  CHECK(compile_error_at(R"({"patternProperties":{"^a":{}}})") == "/patternProperties");
  CHECK(compile_error_at(R"({"properties":{"id":{"type":"string","format":"uuid"}}})") == "/properties/id/format");
  CHECK(compile_error_at(R"({"properties":{"a/b":{"multipleOf":2}}})") == "/properties/a~1b/multipleOf");
  CHECK(compile_error_at(R"({"items":{"dependentRequired":{}}})") == "/items/dependentRequired");
  CHECK(compile_error_at(R"({"anyOf":[{},{"if":true}]})") == "/anyOf/1/if");
  CHECK(compile_error_at(R"({"$defs":{}})") == "/$defs");
  CHECK_THROWS_WITH(compile_schema(json::parse(R"({"format":"email"})")), Catch::Contains("'format'"));
}

TEST_CASE("annotation keywords are accepted and ignored", "[schema_validate][compile]") {
  const char* schema = R"({"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"x","title":"t",
    "description":"d","$comment":"c","default":1,"examples":[1],"deprecated":false,"readOnly":true,"writeOnly":false})";
  CHECK(compile_error_at(schema) == "compiled");
  CHECK(check(schema, R"("anything")") == "");
}

TEST_CASE("keyword values of the wrong form are rejected with their pointer", "[schema_validate][compile]") {
  CHECK(compile_error_at(R"({"type":"int"})") == "/type");
  CHECK(compile_error_at(R"({"type":["string",3]})") == "/type/1");
  CHECK(compile_error_at(R"({"type":["string","string"]})") == "/type/1");
  CHECK(compile_error_at(R"({"type":[]})") == "/type");
  CHECK(compile_error_at(R"({"minimum":"0"})") == "/minimum");
  CHECK(compile_error_at(R"({"maxLength":-1})") == "/maxLength");
  CHECK(compile_error_at(R"({"minItems":1.5})") == "/minItems");
  CHECK(compile_error_at(R"({"required":["a",1]})") == "/required/1");
  CHECK(compile_error_at(R"({"required":["a","a"]})") == "/required/1");
  CHECK(compile_error_at(R"({"enum":"a"})") == "/enum");
  CHECK(compile_error_at(R"({"properties":[]})") == "/properties");
  CHECK(compile_error_at(R"({"properties":{"a":3}})") == "/properties/a");
  CHECK(compile_error_at(R"({"allOf":[]})") == "/allOf");
  CHECK(compile_error_at(R"({"uniqueItems":1})") == "/uniqueItems");
  CHECK(compile_error_at("3") == "");
  CHECK(compile_error_at(R"({"maxLength":3.0})") == "compiled");
}

TEST_CASE("patterns RE2 cannot compile fail at compile time", "[schema_validate][compile]") {
  CHECK(compile_error_at(R"js({"pattern":"(?=x)"})js") == "/pattern");  // lookahead
  CHECK(compile_error_at(R"({"pattern":"(a)\\1"})") == "/pattern");     // backreference
  CHECK(compile_error_at(R"({"properties":{"p":{"pattern":"("}}})") == "/properties/p/pattern");
  CHECK(compile_error_at(R"({"pattern":1})") == "/pattern");
}

TEST_CASE("a name only required is still an additional property", "[schema_validate][object]") {
  CHECK(check(R"({"required":["x"],"additionalProperties":false})", R"({"x":1})") == "/x: additionalProperties");
  CHECK(check(R"({"required":["x"],"properties":{"x":{}},"additionalProperties":false})", R"({"x":1})") == "");
}

TEST_CASE("objects much larger than the schema validate like small ones", "[schema_validate][object]") {
  const char* schema =
      R"({"required":["a"],"properties":{"a":{"type":"string"}},"additionalProperties":{"type":"integer"}})";
  std::string members;
  for (int i = 0; i < 100; ++i) members += "\"m" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  CHECK(check(schema, "{" + members + R"("a":"x"})") == "");
  CHECK(check(schema, "{" + members + R"("a":1})") == "/a: type");
  CHECK(check(schema, "{" + members + R"("b":1})") == "/a: required");
  CHECK(check(schema, "{" + members + R"("a":"x","zz":"s"})") == "/zz: type");
}

TEST_CASE("schemas naming many members in one object validate like small ones", "[schema_validate][object]") {
  std::string properties;
  for (int i = 0; i < 70; ++i) {
    if (i > 0) properties += ',';
    properties += "\"p" + std::to_string(i) + "\":{\"type\":\"integer\"}";
  }
  std::string schema = R"({"required":["p69","q"],"properties":{)" + properties + "}}";
  CHECK(check(schema, R"({"p69":1,"q":0,"p3":4})") == "");
  CHECK(check(schema, R"({"q":0})") == "/p69: required");
  CHECK(check(schema, R"({"p69":1})") == "/q: required");
  CHECK(check(schema, R"({"p69":1,"q":0,"p35":"x","p36":"y"})") == "/p35: type");
}
