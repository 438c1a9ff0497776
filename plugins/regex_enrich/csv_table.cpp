#include "csv_table.hpp"

#include <fstream>
#include <sstream>

namespace sluice::plugins::regex_enrich {

namespace {

[[noreturn]] void fail_at(const std::string& path, int line, std::string message) {
  throw sdk::ConfigError(sdk::Mark{path, line, 1}, std::move(message));
}

// Splits `text` into rows of fields, with the line each row starts on; blank lines dropped.
void split_rows(const std::string& path, std::string_view text, std::vector<std::vector<std::string>>& rows,
                std::vector<int>& lines) {
  std::size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    int row_line = line;
    std::vector<std::string> row(1);
    bool blank = true;
    while (i < text.size()) {
      char c = text[i];
      if (c == '\n') {
        ++i;
        ++line;
        break;
      }
      if (c == '\r' && (i + 1 == text.size() || text[i + 1] == '\n')) {
        ++i;
        continue;
      }
      blank = false;
      if (c == ',') {
        row.emplace_back();
        ++i;
      } else if (c == '"' && row.back().empty()) {
        ++i;
        while (true) {
          if (i == text.size()) fail_at(path, row_line, "unterminated quoted field");
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              row.back() += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          row.back() += text[i++];
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          fail_at(path, line, "unexpected text after a closing quote");
      } else {
        row.back() += c;
        ++i;
      }
    }
    if (blank) continue;
    rows.push_back(std::move(row));
    lines.push_back(row_line);
  }
}

}  // namespace

CsvTable CsvTable::load(const std::string& path, const sdk::Mark& from) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sdk::ConfigError(from, "cannot read table '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::string_view view = text;
  if (view.substr(0, 3) == "\xEF\xBB\xBF") view.remove_prefix(3);

  CsvTable t;
  t.path = path;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;
  split_rows(path, view, rows, lines);
  if (rows.empty()) throw sdk::ConfigError(sdk::Mark{path, 1, 1}, "table has no header row");
  t.header = std::move(rows.front());
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != t.header.size())
      fail_at(path, lines[r], "row has " + std::to_string(rows[r].size()) + " fields, the header " +
                                  std::to_string(t.header.size()));
    t.rows.push_back(std::move(rows[r]));
    t.row_lines.push_back(lines[r]);
  }
  return t;
}

int CsvTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

}  // namespace sluice::plugins::regex_enrich
