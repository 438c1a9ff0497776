#include "pii_mask.hpp"

#include <string>

namespace pii_mask {
namespace sdk = sluice::sdk;
namespace json = boost::json;

namespace {

void read_detectors(const sdk::ConfigNode& node, MaskOptions& options) {
  options.email = options.card = false;
  for (const sdk::ConfigNode& item : node.items()) {
    const std::string name = item.as_string();
    if (name == "email")
      options.email = true;
    else if (name == "card")
      options.card = true;
    else
      item.fail("unknown detector '" + name + "'", "the detectors are email and card");
  }
  if (!options.email && !options.card) node.fail("detectors must name at least one of email and card");
}

}  // namespace

void PiiMaskStage::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& config = ctx.config;
  if (!config.is_map()) config.fail("pii_mask needs a config map with `fields`", "fields: [message, user.email]");

  const sdk::ConfigNode& fields = config.at("fields");
  if (fields.items().empty()) fields.fail("fields must name at least one field");
  fields_.clear();
  for (const sdk::ConfigNode& item : fields.items()) fields_.push_back(FieldPath::parse(item));

  MaskOptions options;
  if (const sdk::ConfigNode* detectors = config.find("detectors"); detectors && !detectors->is_null())
    read_detectors(*detectors, options);
  if (const sdk::ConfigNode* mask_char = config.find("mask_char"); mask_char && !mask_char->is_null()) {
    const std::string c = mask_char->as_string();
    if (c.size() != 1 || c[0] < 0x20 || c[0] > 0x7e)
      mask_char->fail("mask_char must be one printable ASCII character, found \"" + c + "\"");
    options.mask_char = c[0];
  }
  const int64_t keep_last = config.get_int("keep_last", 4);
  if (keep_last < 0 || keep_last > 12)
    config.at("keep_last").fail("keep_last must be between 0 and 12 (a card number has 13 digits at least)");
  options.keep_last = static_cast<int>(keep_last);
  options.luhn = config.get_bool("luhn", true);
  options.keep_email_domain = config.get_bool("keep_email_domain", true);
  mask_raw_ = config.get_bool("mask_raw", true);
  masker_ = std::make_unique<PiiMasker>(options);
}

void PiiMaskStage::process(sdk::Batch& batch) {
  for (sdk::Record& r : batch.records()) {
    if (mask_raw_ && !r.raw.empty()) mask_raw(batch, r);
    if (!r.alive()) continue;
    for (const FieldPath& field : fields_) field.for_each(r.value, [this](json::value& v) { mask_value(v); });
  }
}

void PiiMaskStage::mask_value(json::value& v) const {
  if (json::string* s = v.if_string()) {
    masker_->mask(s->data(), s->size());
    return;
  }
  uint64_t number = 0;
  if (v.is_uint64())
    number = v.get_uint64();
  else if (v.is_int64() && v.get_int64() > 0)
    number = static_cast<uint64_t>(v.get_int64());
  else
    return;
  char digits[20];
  if (std::size_t n = masker_->mask_integer(number, digits); n > 0)
    v.emplace_string().assign(digits, n);  // on the value's storage: the batch arena
}

void PiiMaskStage::mask_raw(sdk::Batch& batch, sdk::Record& r) const {
  // The raw line views the batch's input, which a stage must not change: mask a copy in the
  // arena and point the record at it. Only lines that may hold something are copied.
  if (!masker_->may_contain(r.raw)) return;
  std::string_view copy = batch.copy_string(r.raw);
  // copy_string() returns fresh, writable arena memory; the view is const only by type.
  if (masker_->mask(const_cast<char*>(copy.data()), copy.size()) > 0) r.raw = copy;
}

}  // namespace pii_mask
