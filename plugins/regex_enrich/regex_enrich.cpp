#include "regex_enrich.hpp"

#include "config_keys.hpp"

#include <algorithm>
#include <string>

namespace sluice::plugins::regex_enrich {

namespace json = boost::json;

namespace {

// A target that could not be written: a parent on its path exists and is not an object.
struct Blocked {
  const FieldPath* target = nullptr;
  std::string_view segment;  // the parent that is not an object

  std::string detail() const {
    return "cannot set '" + target->text() + "': '" + std::string(segment) + "' is not an object";
  }
};

// Copies the set outputs into `record`. Returns false, filling `blocked`, where a target cannot
// be written; nothing further is written then.
bool write_outputs(json::object& record, const std::vector<FieldPath>& targets, const Output* outputs,
                   Blocked& blocked) {
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (!outputs[i].set) continue;
    if (!targets[i].assign(record, outputs[i].value, &blocked.segment)) {
      blocked.target = &targets[i];
      return false;
    }
  }
  return true;
}

// Applies each memoized op (classify groups, extract entries) to `record` in order, each read
// from its memo by the op's field string; stops at the first target that cannot be written.
template <class Op>
bool apply_memoized(json::object& record, const std::vector<Op>& ops,
                    const std::vector<std::unique_ptr<ResultMemo<Op>>>& memos, KeyHints hints, Blocked& blocked) {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    std::string_view text;
    const Output* outputs =
        ops[i].field().find_string(record, text, hints) ? memos[i]->get(text) : ops[i].missing_outputs();
    if (!write_outputs(record, ops[i].targets(), outputs, blocked)) return false;
  }
  return true;
}

std::string_view top_level(const FieldPath& path) { return path.segments().front(); }

// The top-level fields that the entries (ClassifyOp or ClassifyGroup) and filters read.
template <class Classify>
sdk::FieldSet fields_read(const std::vector<Classify>& classify, const std::vector<ExtractOp>& extract,
                          const std::vector<LookupOp>& lookup, const std::vector<FilterCondition>& filter) {
  sdk::FieldSet fields;
  for (const Classify& c : classify) fields.add(top_level(c.field()));
  for (const ExtractOp& e : extract) fields.add(top_level(e.field()));
  for (const LookupOp& l : lookup) fields.add(top_level(l.field()));
  for (const FilterCondition& f : filter) fields.add(top_level(f.field()));
  return fields;
}

// The top-level fields the entries write: those pruning may leave out.
sdk::FieldSet top_level_outputs(const std::vector<ClassifyOp>& classify, const std::vector<ExtractOp>& extract,
                                const std::vector<LookupOp>& lookup) {
  sdk::FieldSet fields;
  auto add = [&](const FieldPath& target) {
    if (target.top_level()) fields.add(target.text());
  };
  for (const ClassifyOp& c : classify)
    for (std::size_t i = 0; i < c.output_count(); ++i) add(c.output_path(i));
  for (const ExtractOp& e : extract)
    for (const FieldPath& target : e.targets()) add(target);
  for (const LookupOp& l : lookup)
    for (const FieldPath& target : l.targets()) add(target);
  return fields;
}

}  // namespace

void RegexEnrichStage::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& config = ctx.config;
  static constexpr std::string_view kNeeds = "regex_enrich needs at least one of classify, extract, lookup, filter";
  if (config.is_null()) config.fail(std::string(kNeeds));
  require_keys_known(config, "the regex_enrich config", {"classify", "extract", "lookup", "filter"});

  std::vector<ClassifyOp> classify;
  if (const sdk::ConfigNode* list = config.find("classify")) {
    RuleFiles files;
    for (const sdk::ConfigNode& item : list->items()) classify.push_back(ClassifyOp::parse(item, ctx, files));
  }
  if (const sdk::ConfigNode* list = config.find("extract"))
    for (const sdk::ConfigNode& item : list->items()) extract_.push_back(ExtractOp::parse(item));
  if (const sdk::ConfigNode* list = config.find("lookup"))
    for (const sdk::ConfigNode& item : list->items()) lookup_.push_back(LookupOp::parse(item, ctx));
  if (const sdk::ConfigNode* list = config.find("filter"))
    for (const sdk::ConfigNode& item : list->items()) filter_.push_back(FilterCondition::parse(item));
  if (classify.empty() && extract_.empty() && lookup_.empty() && filter_.empty())
    config.fail(std::string(kNeeds), "every list given is empty");

  // Field pruning: a top-level output that nothing reads -- no stage after this one, no entry
  // or filter of this one -- is not computed. Outputs under a parent are always written: such a
  // write can fail and dead-letter the record, which is visible.
  const sdk::FieldSet read_here = fields_read(classify, extract_, lookup_, filter_);
  if (ctx.field_use != nullptr) ctx.field_use->skips_unwanted(top_level_outputs(classify, extract_, lookup_));
  const KeepField keep = [wanted = ctx.wanted, &read_here](const FieldPath& target) {
    return wanted == nullptr || !target.top_level() || wanted->contains(target.text()) ||
           read_here.contains(target.text());
  };
  std::erase_if(classify, [&](ClassifyOp& op) { return !op.prune(keep); });
  std::erase_if(extract_, [&](ExtractOp& op) { return !op.prune(keep); });
  std::erase_if(lookup_, [&](LookupOp& op) { return !op.prune(keep); });
  for (ClassifyOp& op : classify) {
    if (classify_.empty() || !classify_.back().accepts(op)) classify_.emplace_back(op.field());
    classify_.back().add(std::move(op));
  }
  if (ctx.field_use != nullptr) ctx.field_use->reads(fields_read(classify_, extract_, lookup_, filter_));

  for (const ClassifyGroup& g : classify_) output_count_ += g.width();
  for (const ExtractOp& e : extract_) output_count_ += e.width();
  for (const LookupOp& l : lookup_) output_count_ += l.targets().size();
  for (ClassifyGroup& g : classify_) hint_slots_ = g.number_keys(hint_slots_);
  for (ExtractOp& e : extract_) hint_slots_ = e.number_keys(hint_slots_);
  for (LookupOp& l : lookup_) hint_slots_ = l.number_keys(hint_slots_);
  for (FilterCondition& f : filter_) hint_slots_ = f.number_keys(hint_slots_);
}

std::unique_ptr<RegexEnrichStage::Memos> RegexEnrichStage::take_memos() {
  std::unique_ptr<Memos> memos = memos_.take();
  if (!memos) {
    memos = std::make_unique<Memos>();
    memos->hints.assign(hint_slots_, 0);
    for (const ClassifyGroup& g : classify_) memos->classify.push_back(std::make_unique<ResultMemo<ClassifyGroup>>(g));
    for (const ExtractOp& e : extract_) memos->extract.push_back(std::make_unique<ResultMemo<ExtractOp>>(e));
  }
  for (auto& m : memos->classify) m->begin_batch();
  for (auto& m : memos->extract) m->begin_batch();
  return memos;
}

void RegexEnrichStage::process(sdk::Batch& batch) {
  // Returned to the pool when the call ends, however it ends (a throwing op leaves a memo whose
  // entries are all complete: an entry is added only after its evaluation succeeded).
  struct Borrowed {
    MemoPool<Memos>& pool;
    std::unique_ptr<Memos> memos;
    ~Borrowed() { pool.give_back(std::move(memos)); }
  } borrowed{memos_, take_memos()};
  auto& classify_memo = borrowed.memos->classify;
  auto& extract_memo = borrowed.memos->extract;
  const KeyHints hints = borrowed.memos->hints.data();

  for (sdk::Record& r : batch.records()) {
    if (!r.alive()) continue;
    json::object* record = r.value.if_object();
    if (record == nullptr) {
      batch.dead_letter(r, kEnrichError, "record is not a JSON object");
      continue;
    }
    // Top-level outputs are appended once each; room for them all costs one reallocation.
    record->reserve(record->size() + output_count_);
    Blocked blocked;
    bool ok = apply_memoized(*record, classify_, classify_memo, hints, blocked) &&
              apply_memoized(*record, extract_, extract_memo, hints, blocked);
    for (std::size_t l = 0; l < lookup_.size() && ok; ++l) {
      std::string_view text;
      if (!lookup_[l].field().find_string(*record, text, hints)) text = {};
      ok = write_outputs(*record, lookup_[l].targets(), lookup_[l].evaluate(text), blocked);
    }
    if (!ok) {
      batch.dead_letter(r, kEnrichError, blocked.detail());
      continue;
    }
    if (std::any_of(filter_.begin(), filter_.end(), [&](const FilterCondition& f) { return f.holds(*record, hints); }))
      batch.filter(r);
  }
}

}  // namespace sluice::plugins::regex_enrich
