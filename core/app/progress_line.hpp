// The live progress line `sluice run` shows on a terminal: records, records/s, % and ETA.
#pragma once

#include "runtime/run_state.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace sluice::app {

class ProgressLine {
 public:
  // Starts refreshing stderr every 250 ms when enabled; does nothing otherwise.
  ProgressLine(const runtime::RunState& state, bool enabled);
  // Stops and erases the line.
  ~ProgressLine();

 private:
  void draw(double seconds);

  const runtime::RunState& state_;
  bool enabled_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace sluice::app
