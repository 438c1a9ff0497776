// A small CSV table (RFC 4180: commas, optional double quotes, "" inside quotes) read at init.
#pragma once

#include <sluice/sdk/config.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sluice::plugins::regex_enrich {

struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as wide as the header
  std::vector<int> row_lines;                  // 1-based line where each row starts

  // Reads `path`: a header row, then data rows; blank lines are skipped, a UTF-8 byte-order
  // mark and "\r\n" line ends are accepted. ConfigError at `from` when the file cannot be read,
  // at the file's line for a malformed or ragged row.
  static CsvTable load(const std::string& path, const sdk::Mark& from);
  // The index of the column named `name`, or -1.
  int column(std::string_view name) const;
};

}  // namespace sluice::plugins::regex_enrich
