// Unit tests of the pii_mask stage, run without the host through <sluice/sdk/testing.hpp>.
#include "src/pii_mask.hpp"

#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <sluice/sdk/testing.hpp>
#include <string>
#include <thread>
#include <vector>

namespace sdk = sluice::sdk;
namespace t = sluice::sdk::testing;
using pii_mask::PiiMaskStage;

namespace {

// The value of `line` after one pass of a stage configured by `config`, serialized.
std::string masked(const std::string& config, const std::string& line) {
  auto stage = t::make_stage<PiiMaskStage>(config, "pii_mask");
  auto batch = t::make_json_batch({line});
  t::run(*stage.stage, *batch, "pii_mask");
  REQUIRE(batch->records()[0].alive());
  return boost::json::serialize(batch->records()[0].value);
}

// The message field of a record {"m": text} after masking field m.
std::string masked_text(const std::string& text, const std::string& options = "") {
  boost::json::object o;
  o["m"] = text;
  auto stage = t::make_stage<PiiMaskStage>("fields: [m]\n" + options, "pii_mask");
  auto batch = t::make_json_batch({boost::json::serialize(o)});
  t::run(*stage.stage, *batch, "pii_mask");
  return std::string(batch->records()[0].value.at("m").as_string());
}

std::string config_error(const std::string& config) {
  try {
    t::make_stage<PiiMaskStage>(config);
  } catch (const sdk::ConfigError& e) {
    return e.format();
  }
  return "";
}

}  // namespace

TEST_CASE("the local part of an e-mail address is masked and the domain kept", "[pii_mask]") {
  CHECK(masked_text("write to ada.lovelace@example.com today") == "write to ************@example.com today");
  CHECK(masked_text("<a+b@mail.example.co.uk>, c@d.io.") == "<***@mail.example.co.uk>, *@d.io.");
  CHECK(masked_text("ada@example.com", "keep_email_domain: false") == "***@***********");
  CHECK(masked_text("no address @ here, nor user@localhost") == "no address @ here, nor user@localhost");
}

TEST_CASE("card numbers keep their separators and last four digits", "[pii_mask]") {
  CHECK(masked_text("card 4111111111111111.") == "card ************1111.");
  CHECK(masked_text("4111 1111 1111 1111") == "**** **** **** 1111");
  CHECK(masked_text("4111-1111-1111-1111") == "****-****-****-1111");
  CHECK(masked_text("amex 3782-822463-10005 ok") == "amex ****-******-*0005 ok");
  CHECK(masked_text("4222222222222") == "*********2222");              // 13 digits
  CHECK(masked_text("4111111111111111110") == "***************1110");  // 19 digits
  CHECK(masked_text("two: 4111111111111111 and 5500005555555559") == "two: ************1111 and ************5559");
  CHECK(masked_text("4111 1111 1111 1111 5500 0055 5555 5559") == "**** **** **** 1111 **** **** **** 5559");
}

TEST_CASE("a card number next to other digits is found inside the longer run", "[pii_mask]") {
  CHECK(masked_text("4111 1111 1111 1111 123") == "**** **** **** 1111 123");  // then a security code
  CHECK(masked_text("no. 12 4111-1111-1111-1111") == "no. 12 ****-****-****-1111");
  CHECK(masked_text("07 4111 1111 1111 1111 99") == "07 **** **** **** 1111 99");
  CHECK(masked_text("4111 1111 1111 1112 123") == "4111 1111 1111 1112 123");  // no part passes Luhn
}

TEST_CASE("digit runs that are not card numbers are left alone", "[pii_mask]") {
  CHECK(masked_text("order 4111111111111112") == "order 4111111111111112");  // fails Luhn
  CHECK(masked_text("order 4111111111111112", "luhn: false") == "order ************1112");
  // Too short, too long, glued to letters, or two separators in a row.
  CHECK(masked_text("123456789012", "luhn: false") == "123456789012");
  CHECK(masked_text("41111111111111111111", "luhn: false") == "41111111111111111111");
  CHECK(masked_text("id4111111111111111", "luhn: false") == "id4111111111111111");
  CHECK(masked_text("4111 -1111 1111 1111") == "4111 -1111 1111 1111");
  CHECK(masked_text("2024-01-15 10:30:00") == "2024-01-15 10:30:00");
}

TEST_CASE("keep_last, mask_char and detectors are honoured", "[pii_mask]") {
  CHECK(masked_text("4111111111111111", "keep_last: 0") == "****************");
  CHECK(masked_text("4111111111111111", "keep_last: 6") == "**********111111");
  CHECK(masked_text("4111111111111111 a@b.io", "mask_char: '#'") == "############1111 #@b.io");
  CHECK(masked_text("4111111111111111 a@b.io", "detectors: [email]") == "4111111111111111 *@b.io");
  CHECK(masked_text("4111111111111111 a@b.io", "detectors: [card]") == "************1111 a@b.io");
}

TEST_CASE("dotted paths reach nested fields and every element of arrays", "[pii_mask]") {
  const std::string line =
      R"({"user":{"email":"ada@example.com","name":"Ada"},"contacts":[{"email":"bob@example.com"},{"phone":1}],)"
      R"("notes":["card 4111111111111111","none"],"email":"top@example.com"})";
  CHECK(masked("fields: [user.email, contacts.email, notes]", line) ==
        R"({"user":{"email":"***@example.com","name":"Ada"},"contacts":[{"email":"***@example.com"},{"phone":1}],)"
        R"("notes":["card ************1111","none"],"email":"top@example.com"})");
}

TEST_CASE("a card number written as an integer becomes a masked string", "[pii_mask]") {
  CHECK(masked("fields: [card, id]", R"({"card":4111111111111111,"id":4111111111111112})") ==
        R"({"card":"************1111","id":4111111111111112})");
}

TEST_CASE("missing fields and other types pass unchanged, and no record changes fate", "[pii_mask]") {
  CHECK(masked("fields: [a, b.c, d]", R"({"b":"x","d":[true,null,{"c":2}]})") ==
        R"({"b":"x","d":[true,null,{"c":2}]})");
  auto stage = t::make_stage<PiiMaskStage>("fields: [m]");
  auto batch = t::make_json_batch({R"({"m":"a@b.io"})", R"([1,2])", R"("text")"});
  t::run(*stage.stage, *batch);
  CHECK(t::with_fate(*batch, sdk::Fate::alive).size() == 3);
}

TEST_CASE("raw input lines are masked too, dead records' included, unless mask_raw is off", "[pii_mask]") {
  const std::vector<std::string> lines = {R"({"m":"ada@example.com","other":"4111 1111 1111 1111"})",
                                          R"(not json: bob@example.com)"};
  auto batch = t::make_raw_batch(lines);
  batch->records()[0].value = boost::json::parse(lines[0], batch->storage());
  batch->set_stage("parse");
  batch->dead_letter(batch->records()[1], "parse_error", "syntax error");

  auto stage = t::make_stage<PiiMaskStage>("fields: [m]");
  t::run(*stage.stage, *batch);
  // The raw line is masked everywhere, not only in the configured fields.
  CHECK(batch->records()[0].raw == R"({"m":"***@example.com","other":"**** **** **** 1111"})");
  CHECK(batch->records()[0].value.at("other").as_string() == "4111 1111 1111 1111");
  CHECK(batch->records()[1].raw == "not json: ***@example.com");
  CHECK(batch->input().find("ada@example.com") != std::string::npos);  // the input itself is not touched

  auto keep = t::make_stage<PiiMaskStage>("fields: [m]\nmask_raw: false");
  auto again = t::make_raw_batch(lines);
  t::run(*keep.stage, *again);
  CHECK(again->records()[1].raw == lines[1]);
}

TEST_CASE("bad configs are refused at their position", "[pii_mask]") {
  CHECK(config_error("") != "");
  CHECK(config_error("detectors: [email]").find("missing required key 'fields'") != std::string::npos);
  CHECK(config_error("fields: []").find("at least one field") != std::string::npos);
  CHECK(config_error("fields: [a..b]").find("test.yaml:1:10: error: field path 'a..b' has an empty segment") !=
        std::string::npos);
  CHECK(config_error("fields: [a]\ndetectors: [email, phone]").find("2:20: error: unknown detector 'phone'") !=
        std::string::npos);
  CHECK(config_error("fields: [a]\ndetectors: []").find("at least one of email and card") != std::string::npos);
  CHECK(config_error("fields: [a]\nmask_char: '**'").find("one printable ASCII character") != std::string::npos);
  CHECK(config_error("fields: [a]\nkeep_last: 13").find("between 0 and 12") != std::string::npos);
}

TEST_CASE("batches may be masked concurrently by one stage", "[pii_mask][concurrent]") {
  auto stage = t::make_stage<PiiMaskStage>("fields: [m]");
  constexpr int kThreads = 4;
  constexpr int kRecords = 2000;
  std::vector<std::unique_ptr<sdk::Batch>> batches;
  for (int b = 0; b < kThreads; ++b) {
    std::vector<std::string> lines;
    for (int i = 0; i < kRecords; ++i)
      lines.push_back(R"({"m":"user)" + std::to_string(i) + R"(@example.com paid with 4111-1111-1111-1111"})");
    batches.push_back(t::make_json_batch(lines, static_cast<uint64_t>(b)));
  }
  std::vector<std::thread> threads;
  for (auto& batch : batches) threads.emplace_back([&stage, &batch] { t::run(*stage.stage, *batch); });
  for (auto& thread : threads) thread.join();
  for (auto& batch : batches)
    for (int i = 0; i < kRecords; ++i)
      REQUIRE(batch->records()[i].value.at("m").as_string() ==
              std::string(4 + std::to_string(i).size(), '*') + "@example.com paid with ****-****-****-1111");
}

TEST_CASE("the Luhn checksum skips separators", "[pii_mask]") {
  CHECK(pii_mask::passes_luhn("4111 1111 1111 1111"));
  CHECK(pii_mask::passes_luhn("3782-822463-10005"));
  CHECK_FALSE(pii_mask::passes_luhn("4111111111111112"));
}
