// A test transform with state, for hot swaps of stateful stages: numbers the records it sees
// (`seq`, counting on across swaps when the state moves) and stamps them with its version
// (`tallied_by`, skipped when no later stage reads it); the final batch emits one row with the
// total. Its snapshot is "tally-v1 COUNT". Built with
// TALLY_FAIL_RESTORE, restore() throws, so a swap to that version must roll back.
#include <sluice/sdk.hpp>

#include <charconv>
#include <stdexcept>
#include <string>

namespace {

namespace sdk = sluice::sdk;

constexpr std::string_view kStateTag = "tally-v1 ";

class TallyStage : public sdk::Transform {
 public:
  void init(const sdk::InitContext& ctx) override {
    field_ = ctx.config.get_string("field", "seq");
    // Field pruning: `tallied_by` only where a later stage reads it.
    stamp_ = ctx.wanted == nullptr || ctx.wanted->contains("tallied_by");
    if (ctx.field_use != nullptr) {
      ctx.field_use->reads(sdk::FieldSet());
      sdk::FieldSet stamp;
      stamp.add("tallied_by");
      ctx.field_use->skips_unwanted(stamp);
    }
  }

  void process(sdk::Batch& batch) override {
    const std::size_t input_count = batch.size();
    for (std::size_t i = 0; i < input_count; ++i) {
      sdk::Record& r = batch.records()[i];
      if (!r.alive()) continue;
      ++count_;
      if (boost::json::object* o = r.value.if_object()) {
        (*o)[field_] = count_;
        if (stamp_) (*o)["tallied_by"] = SLUICE_PLUGIN_VERSION;
      }
    }
    if (batch.is_final()) {
      boost::json::object row(batch.storage());
      row["tally"] = count_;
      row["tallied_by"] = SLUICE_PLUGIN_VERSION;
      batch.emit(boost::json::value(std::move(row)));
    }
  }

  std::string snapshot() override { return std::string(kStateTag) + std::to_string(count_); }

  void restore(std::string_view state) override {
#ifdef TALLY_FAIL_RESTORE
    throw std::runtime_error("tally " SLUICE_PLUGIN_VERSION " cannot read this state");
#endif
    if (!state.starts_with(kStateTag)) throw std::runtime_error("not a tally-v1 state");
    state.remove_prefix(kStateTag.size());
    uint64_t count = 0;
    auto [p, ec] = std::from_chars(state.data(), state.data() + state.size(), count);
    if (ec != std::errc() || p != state.data() + state.size()) throw std::runtime_error("bad tally-v1 count");
    count_ = count;
  }

 private:
  std::string field_;
  bool stamp_ = true;
  uint64_t count_ = 0;
};

constexpr sdk::OptionSpec kOptions[] = {
    {"field", sdk::OptionType::string, "seq", false, "field that receives the running count"},
};

}  // namespace

SLUICE_PLUGIN(TallyStage, {.name = "tally",
                           .version = SLUICE_PLUGIN_VERSION,
                           .kind = sdk::StageKind::transform,
                           .threading = sdk::Threading::serial,
                           .description = "test stage: numbers records across swaps (stateful)",
                           .options = kOptions,
                           .flags = sdk::kStateful})
