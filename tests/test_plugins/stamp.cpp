// A test transform: stamps each record with the plugin version that processed it, and can be
// told to throw on a given input line or fail in init(). Built in several deliberately broken
// variants (ABI, toolchain) to test the host's refusals.
#include <sluice/sdk.hpp>

#include <stdexcept>

namespace {

class StampStage : public sluice::sdk::Transform {
 public:
  void init(const sluice::sdk::InitContext& ctx) override {
    throw_on_line_ = static_cast<uint64_t>(ctx.config.get_int("throw_on_line", 0));
    field_ = ctx.config.get_string("field", "stamped_by");
    if (ctx.config.get_bool("fail_init", false)) throw std::runtime_error("told to fail in init");
  }
  void process(sluice::sdk::Batch& batch) override {
    for (sluice::sdk::Record& r : batch.records()) {
      if (!r.alive()) continue;
      if (throw_on_line_ != 0 && r.line == throw_on_line_)
        throw std::runtime_error("stamp was told to throw on line " + std::to_string(r.line));
      if (boost::json::object* o = r.value.if_object()) (*o)[field_] = SLUICE_PLUGIN_VERSION;
    }
  }

 private:
  uint64_t throw_on_line_ = 0;
  std::string field_;
};

constexpr sluice::sdk::OptionSpec kOptions[] = {
    {"throw_on_line", sluice::sdk::OptionType::integer, "0", false, "throw when a batch holds this input line"},
    {"field", sluice::sdk::OptionType::string, "stamped_by", false, "field that receives the version"},
    {"fail_init", sluice::sdk::OptionType::boolean, "false", false, "throw from init()"},
};

}  // namespace

SLUICE_PLUGIN(StampStage, {.name = "stamp",
                           .version = SLUICE_PLUGIN_VERSION,
                           .kind = sluice::sdk::StageKind::transform,
                           .threading = sluice::sdk::Threading::reentrant,
                           .description = "test stage: stamps records with its version",
                           .options = kOptions})
