// Runs the real `sluice` binary for integration tests and captures what it prints.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sluice::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) the inherited environment
  std::filesystem::path cwd;               // empty: the current directory
  std::string stdin_text;
  // Called with each chunk of stdout as it arrives and the pid; lets a test signal the process
  // once it has seen enough output.
  std::function<void(const std::string& out_so_far, int pid)> on_stdout;
  // The same for stderr (where `run --admin` prints the address it listens on).
  std::function<void(const std::string& err_so_far, int pid)> on_stderr;
};

// Path of the built binary, or $SLUICE_TEST_BINARY where that is set.
std::filesystem::path sluice_binary();

ProcessResult run_sluice(const std::vector<std::string>& args, const ProcessOptions& options = {});

// A fresh empty directory under the build tree for one test's files.
std::filesystem::path scratch_dir(const std::string& name);

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& text);
std::vector<std::string> lines_of(const std::string& text);

}  // namespace sluice::testing
