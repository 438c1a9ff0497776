#include "app/signal_watcher.hpp"

#include <csignal>
#include <cstdlib>

#include <pthread.h>
#include <unistd.h>

namespace sluice::app {
namespace {
constexpr int kWake = SIGUSR1;  // sent by the destructor to end the watcher

sigset_t watched_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, kWake);
  return set;
}
}  // namespace

SignalWatcher::SignalWatcher(std::function<void(int)> on_stop, std::function<void()> on_reload)
    : on_stop_(std::move(on_stop)), on_reload_(std::move(on_reload)) {
  sigset_t set = watched_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this] {
    sigset_t set = watched_set();
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (sig == kWake) return;
      if (sig == SIGHUP) {
        if (on_reload_) on_reload_();
        continue;
      }
      if (received_.exchange(sig) != 0) _exit(128 + sig);  // second signal: give up draining
      on_stop_(sig);
    }
  });
}

SignalWatcher::~SignalWatcher() {
  pthread_kill(thread_.native_handle(), kWake);
  thread_.join();
}

}  // namespace sluice::app
