#include "lookup.hpp"

#include "config_keys.hpp"
#include "csv_table.hpp"

#include <boost/json/string.hpp>

#include <algorithm>

namespace sluice::plugins::regex_enrich {

namespace json = boost::json;

namespace {

std::string column_list(const CsvTable& table) {
  std::string s;
  for (const std::string& c : table.header) s += (s.empty() ? "" : ", ") + c;
  return s;
}

int require_column(const CsvTable& table, const sdk::ConfigNode& node) {
  std::string name = node.as_string();
  int index = table.column(name);
  if (index >= 0) return index;
  std::vector<std::string_view> names(table.header.begin(), table.header.end());
  std::string best = closest_key(name, names);
  node.fail("table '" + table.path + "' has no column '" + name + "'",
            best.empty() ? "its columns: " + column_list(table) : "did you mean '" + best + "'?");
}

}  // namespace

LookupOp LookupOp::parse(const sdk::ConfigNode& node, const sdk::InitContext& ctx) {
  require_keys_known(node, "a lookup entry", {"field", "table", "key_column", "columns", "default"});
  LookupOp op;
  op.field_ = FieldPath::parse(require_key(node, "field", "a lookup entry"));
  const sdk::ConfigNode& table_node = require_key(node, "table", "a lookup entry");
  CsvTable table = CsvTable::load(ctx.resource_path(table_node.as_string()).string(), table_node.mark());
  int key_column = 0;
  if (const sdk::ConfigNode* k = node.find("key_column")) key_column = require_column(table, *k);

  const sdk::ConfigNode& columns = require_key(node, "columns", "a lookup entry");
  if (columns.entries().empty()) columns.fail("'columns' maps output fields to table columns; it is empty");
  std::vector<int> column_of_output;
  std::vector<std::string_view> output_names;
  for (const auto& e : columns.entries()) {
    sdk::ConfigNode key_node = sdk::ConfigNode::make_scalar(e.key, false, e.key_mark);
    op.targets_.push_back(FieldPath::parse(key_node));
    column_of_output.push_back(require_column(table, e.value));
    output_names.push_back(e.key);
  }

  op.miss_outputs_.resize(op.targets_.size());
  if (const sdk::ConfigNode* defaults = node.find("default")) {
    for (const auto& e : defaults->entries()) {
      auto it = std::find(output_names.begin(), output_names.end(), e.key);
      if (it == output_names.end()) {
        std::string best = closest_key(e.key, output_names);
        throw sdk::ConfigError(e.key_mark, "default for '" + e.key + "', which is not an output field in 'columns'",
                               best.empty() ? "" : "did you mean '" + best + "'?");
      }
      Output& o = op.miss_outputs_[static_cast<std::size_t>(it - output_names.begin())];
      o.value = e.value.is_null() ? json::value(nullptr) : json::value(json::string(e.value.as_string()));
      o.set = true;
    }
  }

  std::size_t key_total = 0;
  for (const auto& row : table.rows) key_total += row[static_cast<std::size_t>(key_column)].size();
  op.key_bytes_.reserve(key_total);
  op.index_ = StringIndex(table.rows.size());
  std::vector<std::size_t> key_offsets;
  for (const auto& row : table.rows) {
    key_offsets.push_back(op.key_bytes_.size());
    const std::string& key = row[static_cast<std::size_t>(key_column)];
    op.key_bytes_.insert(op.key_bytes_.end(), key.begin(), key.end());
  }
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const std::string& key = table.rows[r][static_cast<std::size_t>(key_column)];
    std::string_view view(op.key_bytes_.data() + key_offsets[r], key.size());
    std::size_t h = StringIndex::hash(view);
    uint32_t first = op.index_.find(view, h);
    if (first != StringIndex::kAbsent)
      throw sdk::ConfigError(sdk::Mark{table.path, table.row_lines[r], 1},
                             "duplicate key '" + key + "' in table (first on line " +
                                 std::to_string(table.row_lines[first]) + ")");
    op.index_.insert(view, h, static_cast<uint32_t>(r));
    for (int column : column_of_output)
      op.row_outputs_.push_back(Output{json::string(table.rows[r][static_cast<std::size_t>(column)]), true});
  }
  return op;
}

bool LookupOp::prune(const KeepField& keep) {
  const std::size_t width = targets_.size();
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < width; ++i)
    if (keep(targets_[i])) kept.push_back(i);
  if (kept.size() == width) return true;
  auto select = [&](const auto& all, std::size_t rows) {
    std::remove_cvref_t<decltype(all)> out;
    out.reserve(rows * kept.size());
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t i : kept) out.push_back(all[r * width + i]);
    return out;
  };
  row_outputs_ = select(row_outputs_, row_outputs_.size() / width);
  miss_outputs_ = select(miss_outputs_, 1);
  targets_ = select(targets_, 1);
  return !kept.empty();
}

}  // namespace sluice::plugins::regex_enrich
