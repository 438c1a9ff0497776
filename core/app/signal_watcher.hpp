// Turns SIGINT/SIGTERM into a clean stop request and SIGHUP into a config reload request: a
// dedicated thread waits for the signals (blocked everywhere else), so no handler runs inside
// the data plane.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace sluice::app {

class SignalWatcher {
 public:
  // Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (and the threads it creates
  // afterwards); construct it before any other thread starts. on_stop runs on the watcher
  // thread at the first SIGINT/SIGTERM; a second one exits at once with 128+signal. on_reload
  // runs on the watcher thread at each SIGHUP (ignored when empty); it must return promptly.
  explicit SignalWatcher(std::function<void(int)> on_stop, std::function<void()> on_reload = {});
  ~SignalWatcher();
  // The signal that stopped the run, or 0.
  int received() const noexcept { return received_.load(); }

 private:
  std::function<void(int)> on_stop_;
  std::function<void()> on_reload_;
  std::atomic<int> received_{0};
  std::thread thread_;
};

}  // namespace sluice::app
