#include "app/progress_line.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

namespace sluice::app {

ProgressLine::ProgressLine(const runtime::RunState& state, bool enabled) : state_(state), enabled_(enabled) {
  if (!enabled_) return;
  thread_ = std::thread([this] {
    auto start = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return done_; }))
      draw(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  });
}

ProgressLine::~ProgressLine() {
  if (!enabled_) return;
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::fputs("\r\033[K", stderr);
}

void ProgressLine::draw(double seconds) {
  uint64_t records = state_.records_in.load();
  uint64_t done = state_.bytes_done.load();
  uint64_t total = state_.bytes_total.load();
  double rate = seconds > 0 ? records / seconds : 0;
  std::string line = fmt::format("\r\033[K{} records  {:.0f} records/s", records, rate);
  if (total > 0 && done <= total) {
    double fraction = static_cast<double>(done) / static_cast<double>(total);
    line += fmt::format("  {:.1f}%", fraction * 100);
    if (fraction > 0.01) line += fmt::format("  ETA {:.0f} s", seconds * (1 - fraction) / fraction);
  }
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace sluice::app
