// The `sluice` subcommands. Each returns the process exit code (see kExit* below).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sluice::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;          // bad command line
inline constexpr int kExitInvalid = 2;        // invalid pipeline: config, plugin or ABI error
inline constexpr int kExitRunFailed = 3;      // the run failed (on_error: fail, a source or sink error)
inline constexpr int kExitInterrupted = 130;  // stopped by SIGINT (143 for SIGTERM); balance printed

// Where the binary is (plugins are looked up relative to it).
struct Invocation {
  std::filesystem::path executable;
  std::vector<std::string> args;  // after the subcommand
  // When main() was entered: system clock, ns since the Unix epoch (start-up is measured from it).
  int64_t main_entered_unix_ns = 0;
};

int run_command(const Invocation& inv);
int check_command(const Invocation& inv);
int graph_command(const Invocation& inv);
int plugins_command(const Invocation& inv);
// Clients of a running pipeline's admin API (`sluice run --admin`).
int swap_command(const Invocation& inv);
int status_command(const Invocation& inv);
int tap_command(const Invocation& inv);
int top_command(const Invocation& inv);
// Writes a new out-of-tree plugin project (`sluice new-plugin NAME --kind K [--dir DIR]`).
int new_plugin_command(const Invocation& inv);

}  // namespace sluice::app
