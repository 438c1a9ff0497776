#include "file_source.hpp"
#include "line_reader.hpp"
#include "temp_dir.hpp"

#include <sluice/sdk/testing.hpp>

#include <catch2/catch.hpp>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using sluice::plugins::file_source::FileSource;
using sluice::sdk::Batch;
using sluice::sdk::Fate;
using sluice::sdk::testing::make_stage;
using sluice::test_support::TempDir;

namespace {

struct Seen {
  std::string raw;
  uint64_t line;
  Fate fate;
  std::string reason;
  std::string detail;
  bool operator==(const Seen& o) const {
    return raw == o.raw && line == o.line && fate == o.fate && reason == o.reason && detail == o.detail;
  }
};

struct ReadResult {
  std::vector<Seen> records;
  std::vector<std::size_t> batch_sizes;
  std::vector<uint64_t> offsets;
  sluice::sdk::Progress progress;
};

ReadResult read_all(const std::string& path, const std::string& extra_config = "") {
  auto t = make_stage<FileSource>("path: '" + path + "'\n" + extra_config);
  t.stage->start();
  ReadResult result;
  bool more = true;
  for (uint64_t seq = 0; more; ++seq) {
    REQUIRE(seq < 1000000);
    Batch batch(seq);
    batch.set_stage("input");
    more = t.stage->next(batch);
    const std::string& in = batch.input();
    for (const auto& r : batch.records()) {
      REQUIRE(r.value.is_null());
      Seen s{std::string(r.raw), r.line, r.fate, "", ""};
      if (r.fate == Fate::dead) {
        s.reason = std::string(r.dead->reason);
        s.detail = std::string(r.dead->detail);
        CHECK(r.dead->stage == "input");
      } else {
        // Live records view the batch input.
        CHECK(r.raw.data() >= in.data());
        CHECK(r.raw.data() + r.raw.size() <= in.data() + in.size());
      }
      result.records.push_back(std::move(s));
    }
    result.batch_sizes.push_back(batch.size());
    result.offsets.push_back(batch.input_offset_end);
  }
  result.progress = t.stage->progress();
  t.stage->stop();
  return result;
}

std::vector<std::pair<std::string, uint64_t>> alive_lines(const ReadResult& r) {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const Seen& s : r.records) {
    CHECK(s.fate == Fate::alive);
    out.emplace_back(s.raw, s.line);
  }
  return out;
}

using Lines = std::vector<std::pair<std::string, uint64_t>>;

// The input rules written plainly, to compare the reader with.
Lines expected_lines(const std::string& text) {
  Lines out;
  std::size_t start = 0;
  uint64_t line = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    const bool has_nl = nl != std::string::npos;
    std::string raw = text.substr(start, (has_nl ? nl : text.size()) - start);
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    ++line;
    if (raw.find_first_not_of(" \t\r") != std::string::npos) out.emplace_back(raw, line);
    start = has_nl ? nl + 1 : text.size();
  }
  return out;
}

}  // namespace

TEST_CASE("CRLF line endings lose exactly one carriage return", "[file_source]") {
  TempDir dir;
  const auto path = dir.write("crlf.ndjson", "{\"a\":1}\r\n{\"b\":2}\r\r\n{\"c\":3}\n");
  const Lines got = alive_lines(read_all(path));
  CHECK(got == Lines{{"{\"a\":1}", 1}, {"{\"b\":2}\r", 2}, {"{\"c\":3}", 3}});
}

TEST_CASE("a last line without a newline loses one carriage return too", "[file_source]") {
  TempDir dir;
  const auto path = dir.write("last_cr.ndjson", "{\"a\":1}\r\n{\"b\":2}\r");
  CHECK(alive_lines(read_all(path)) == Lines{{"{\"a\":1}", 1}, {"{\"b\":2}", 2}});
}

TEST_CASE("a last line without a newline is still a line", "[file_source]") {
  TempDir dir;
  const auto path = dir.write("last.ndjson", "{\"a\":1}\n{\"b\":2}");
  CHECK(alive_lines(read_all(path)) == Lines{{"{\"a\":1}", 1}, {"{\"b\":2}", 2}});
}

TEST_CASE("blank and whitespace-only lines are skipped but keep their line numbers", "[file_source]") {
  TempDir dir;
  const auto path = dir.write("blank.ndjson", "\n{\"a\":1}\n   \n\t\r\n\r\n \t \n{\"b\":2}\n\v\n\n");
  // Line 8 holds a vertical tab: not blank by the input rules, so it is a record.
  CHECK(alive_lines(read_all(path)) == Lines{{"{\"a\":1}", 2}, {"{\"b\":2}", 7}, {"\v", 8}});
}

TEST_CASE("an empty file gives no records and ends at once", "[file_source]") {
  TempDir dir;
  const auto path = dir.write("empty.ndjson", "");
  const ReadResult r = read_all(path);
  CHECK(r.records.empty());
  CHECK(r.batch_sizes.size() == 1);
  CHECK(r.progress.total_bytes == 0);
}

TEST_CASE("a file of blank lines gives no records", "[file_source]") {
  TempDir dir;
  CHECK(read_all(dir.write("blanks.ndjson", "\n \n\t\n\r\n")).records.empty());
}

TEST_CASE("batch size and read block size do not change the records", "[file_source]") {
  TempDir dir;
  std::mt19937 rng(42);
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    const int kind = static_cast<int>(rng() % 20);
    if (kind == 0) {
      text += "\n";
    } else if (kind == 1) {
      text += " \t \r\n";
    } else {
      std::string line = "{\"i\":" + std::to_string(i) + ",\"pad\":\"" + std::string(rng() % 300, 'x') + "\"}";
      text += line + (kind == 2 ? "\r\n" : "\n");
    }
  }
  text += "{\"tail\":true}";
  const auto path = dir.write("mixed.ndjson", text);
  const Lines expected = expected_lines(text);
  REQUIRE(expected.size() > 2500);

  for (const char* block : {"16", "1000", "65536", "1048576"}) {
    for (const char* batch : {"1", "7", "100000"}) {
      INFO("read_block_bytes " << block << ", batch_size " << batch);
      const ReadResult r =
          read_all(path, std::string("batch_size: ") + batch + "\nread_block_bytes: " + block + "\n");
      CHECK(alive_lines(r) == expected);
      for (std::size_t n : r.batch_sizes) CHECK(n <= std::stoul(batch));
      if (std::string(batch) == "7") CHECK(r.batch_sizes.size() >= expected.size() / 7);
      CHECK(r.offsets.back() == text.size());
      CHECK(std::is_sorted(r.offsets.begin(), r.offsets.end()));
      CHECK(r.progress.done_bytes == text.size());
      CHECK(r.progress.total_bytes == text.size());
    }
  }
}

TEST_CASE("a line spanning many read blocks arrives whole", "[file_source]") {
  TempDir dir;
  const std::string long_line = "{\"k\":\"" + std::string(5000, 'y') + "\"}";
  const auto path = dir.write("long.ndjson", "{\"a\":1}\n" + long_line + "\r\n{\"b\":2}\n");
  CHECK(alive_lines(read_all(path, "read_block_bytes: 16\nbatch_size: 2\n")) ==
        Lines{{"{\"a\":1}", 1}, {long_line, 2}, {"{\"b\":2}", 3}});
}

TEST_CASE("lines longer than max_line_bytes are dead-lettered with their first bytes", "[file_source]") {
  TempDir dir;
  const std::string big(200, 'z');
  const std::string text = "{\"a\":1}\n" + big + "\n{\"b\":2}\n" + std::string(64, 'e') + "\r\n" + big +
                           "\r\n\n{\"c\":3}\n" + big;
  const auto path = dir.write("big.ndjson", text);
  const std::string detail = "line of 200 bytes exceeds max_line_bytes 64; raw holds the first 64 bytes";
  const std::vector<Seen> expected{
      {"{\"a\":1}", 1, Fate::alive, "", ""},
      {std::string(64, 'z'), 2, Fate::dead, "too_large", detail},
      {"{\"b\":2}", 3, Fate::alive, "", ""},
      {std::string(64, 'e'), 4, Fate::alive, "", ""},  // exactly the limit, once its '\r' is gone
      {std::string(64, 'z'), 5, Fate::dead, "too_large", detail},
      {"{\"c\":3}", 7, Fate::alive, "", ""},
      {std::string(64, 'z'), 8, Fate::dead, "too_large", detail},
  };
  // Large blocks find the whole line in memory; 16-byte blocks skip it while streaming.
  for (const char* block : {"1048576", "16", "100"}) {
    for (const char* batch : {"1", "3", "4096"}) {
      INFO("read_block_bytes " << block << ", batch_size " << batch);
      const ReadResult r = read_all(
          path, std::string("max_line_bytes: 64\nread_block_bytes: ") + block + "\nbatch_size: " + batch + "\n");
      CHECK(r.records == expected);
      CHECK(r.progress.done_bytes == text.size());
    }
  }
}

TEST_CASE("a too-large line keeps at most 4096 bytes and the rest is never held", "[file_source]") {
  TempDir dir;
  const std::string huge(1 << 20, 'h');
  const auto path = dir.write("huge.ndjson", huge + "\n{\"after\":1}\n");
  const ReadResult r = read_all(path, "max_line_bytes: 10000\nread_block_bytes: 4096\n");
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0].raw == std::string(4096, 'h'));
  CHECK(r.records[0].fate == Fate::dead);
  CHECK(r.records[0].detail == "line of 1048576 bytes exceeds max_line_bytes 10000; raw holds the first 4096 bytes");
  CHECK(r.records[1].raw == "{\"after\":1}");
  CHECK(r.records[1].line == 2);
}

TEST_CASE("a long whitespace-only line is blank, not too large", "[file_source]") {
  TempDir dir;
  const auto path = dir.write("ws.ndjson", std::string(300, ' ') + "\n{\"a\":1}\n");
  for (const char* block : {"16", "65536"}) {
    CHECK(alive_lines(read_all(path, std::string("max_line_bytes: 64\nread_block_bytes: ") + block + "\n")) ==
          Lines{{"{\"a\":1}", 2}});
  }
}

TEST_CASE("a missing file fails start() with its path and the system error", "[file_source]") {
  TempDir dir;
  const std::string path = (dir.path() / "nope.ndjson").string();
  auto t = make_stage<FileSource>("path: '" + path + "'\n");  // init opens nothing
  try {
    t.stage->start();
    FAIL("start() did not throw");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find(path) != std::string::npos);
    CHECK(what.find("No such file or directory") != std::string::npos);
  }
}

TEST_CASE("a directory fails start()", "[file_source]") {
  TempDir dir;
  auto t = make_stage<FileSource>("path: '" + dir.path().string() + "'\n");
  CHECK_THROWS_AS(t.stage->start(), std::runtime_error);
}

TEST_CASE("a failed read throws with the path and the system error, and adds nothing", "[file_source]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  // Reading the write end of a pipe fails (EBADF) on every system.
  sluice::plugins::file_source::LineReader reader(fds[1], "the-input", {}, false);
  Batch batch(0);
  batch.input() = "kept";
  try {
    reader.fill(batch);
    FAIL("fill() did not throw");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find("the-input") != std::string::npos);
    CHECK(what.find("Bad file descriptor") != std::string::npos);
  }
  CHECK(batch.input() == "kept");
  CHECK(batch.size() == 0);
  CHECK(reader.bytes_read() == 0);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_CASE("config errors point at the option", "[file_source]") {
  using sluice::sdk::ConfigError;
  CHECK_THROWS_AS(make_stage<FileSource>("batch_size: 10\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<FileSource>(""), ConfigError);
  CHECK_THROWS_AS(make_stage<FileSource>("path: ''\n"), ConfigError);
  try {
    make_stage<FileSource>("path: x\nbatch_size: 0\n");
    FAIL("no ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.mark().line == 2);
    CHECK(std::string(e.what()).find("batch_size") != std::string::npos);
  }
  CHECK_THROWS_AS(make_stage<FileSource>("path: x\nmax_line_bytes: -5\n"), ConfigError);
  CHECK_THROWS_AS(make_stage<FileSource>("path: x\nread_block_bytes: big\n"), ConfigError);
}

TEST_CASE("the pipeline batch size is the default", "[file_source]") {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 10; ++i) text += "{}\n";
  const auto path = dir.write("ten.ndjson", text);
  auto t = make_stage<FileSource>("path: '" + path + "'\n", "input", {}, sluice::sdk::SinkRole::records, 4);
  t.stage->start();
  Batch batch(0);
  CHECK(t.stage->next(batch));
  CHECK(batch.size() == 4);
}

TEST_CASE("\"-\" reads stdin", "[file_source]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const std::string text = "{\"a\":1}\n\n{\"b\":2}";
  REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  const int saved = ::dup(STDIN_FILENO);
  ::dup2(fds[0], STDIN_FILENO);
  ::close(fds[0]);
  Lines got;
  sluice::sdk::Progress progress;
  {
    auto t = make_stage<FileSource>("path: '-'\n");
    t.stage->start();
    bool more = true;
    for (uint64_t seq = 0; more && seq < 100; ++seq) {
      Batch batch(seq);
      more = t.stage->next(batch);
      for (const auto& r : batch.records()) got.emplace_back(std::string(r.raw), r.line);
    }
    progress = t.stage->progress();
    t.stage->stop();
  }
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  CHECK(got == Lines{{"{\"a\":1}", 1}, {"{\"b\":2}", 3}});
  CHECK(progress.total_bytes == 0);
  CHECK(progress.done_bytes == text.size());
}

TEST_CASE("line splitting throughput", "[.][perf][file_source]") {
  TempDir dir;
  std::string line = "{\"id\":\"evt-000000000001\",\"payload\":\"" + std::string(480, 'p') + "\"}\n";
  std::string text;
  for (int i = 0; i < 400000; ++i) text += line;
  const auto path = dir.write("perf.ndjson", text);
  text.clear();
  for (const char* batch : {"1024", "4096", "16384"}) {
    auto t = make_stage<FileSource>("path: '" + path + "'\nbatch_size: " + batch + "\n");
    t.stage->start();
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    uint64_t records = 0;
    bool more = true;
    for (uint64_t seq = 0; more; ++seq) {
      Batch b(seq);
      more = t.stage->next(b);
      records += b.size();
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    CHECK(records == 400000);
    WARN("batch_size " << batch << ": " << t.stage->progress().done_bytes / s / 1e9 << " GB/s wall, "
                       << records / s / 1e6 << " M lines/s wall, " << records / cpu / 1e6
                       << " M lines/s of CPU time");
  }
}
