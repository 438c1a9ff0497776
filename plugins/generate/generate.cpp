#include "generate.hpp"

#include "rfc3339.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>

namespace sluice::plugins::generate {
namespace {

// A paced next() sleeps at most this long at a time, so that it notices a stop promptly; it
// returns after max_batch_delay_ms, even with few or no records.
constexpr auto kSleepStep = std::chrono::milliseconds(5);

double rate_option(const sdk::ConfigNode& config, std::string_view key, double fallback) {
  const sdk::ConfigNode* node = config.find(key);
  if (node == nullptr || node->is_null()) return fallback;
  const double value = node->as_double();
  if (!(value >= 0.0 && value <= 1.0))
    node->fail(std::string(key) + " must be a share between 0 and 1, found " + node->raw_scalar());
  return value;
}

}  // namespace

void Generate::init(const sdk::InitContext& ctx) {
  const sdk::ConfigNode& config = ctx.config;
  if (const sdk::ConfigNode* n = config.find("count"); n && !n->is_null()) {
    if (n->as_int() < 0) n->fail("count must be 0 (endless) or more");
    count_ = static_cast<uint64_t>(n->as_int());
  }
  if (const sdk::ConfigNode* n = config.find("seed"); n && !n->is_null())
    seed_ = static_cast<uint64_t>(n->as_int());
  if (const sdk::ConfigNode* n = config.find("rate"); n && !n->is_null()) {
    rate_ = n->as_double();
    if (!(rate_ >= 0.0 && std::isfinite(rate_))) n->fail("rate must be 0 (as fast as possible) or more");
  }
  if (const sdk::ConfigNode* n = config.find("max_batch_delay_ms"); n && !n->is_null()) {
    const double ms = n->as_double();
    if (!(ms > 0.0 && ms <= 60000.0)) n->fail("max_batch_delay_ms must be more than 0 and at most 60000");
    max_batch_delay_ = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(ms));
  }
  if (const sdk::ConfigNode* n = config.find("events_per_second"); n && !n->is_null()) {
    mix_.events_per_second = n->as_double();
    if (!(mix_.events_per_second > 0.0 && std::isfinite(mix_.events_per_second)))
      n->fail("events_per_second must be more than 0");
  }
  std::string start_time = "2026-11-26T00:00:00Z";
  const sdk::ConfigNode* start_node = config.find("start_time");
  if (start_node && !start_node->is_null()) start_time = start_node->as_string();
  const std::optional<int64_t> start_ms = parse_rfc3339_ms(start_time);
  if (!start_ms || *start_ms < 0) {
    const sdk::ConfigNode& at = start_node ? *start_node : config;
    at.fail("start_time '" + start_time + "' is not an RFC 3339 time after 1970",
            "e.g. start_time: \"2026-11-26T00:00:00Z\"");
  }
  mix_.start_ms = *start_ms;
  mix_.malformed_rate = rate_option(config, "malformed_rate", 0.01);
  mix_.invalid_rate = rate_option(config, "invalid_rate", 0.02);
  mix_.late_rate = rate_option(config, "late_rate", 0.003);
  mix_.blank_rate = rate_option(config, "blank_rate", 0.001);
  if (mix_.malformed_rate + mix_.invalid_rate > 1.0) {
    const sdk::ConfigNode* n = config.find("invalid_rate");
    (n ? *n : config).fail("malformed_rate + invalid_rate must not exceed 1");
  }
  batch_size_ = ctx.batch_size;
  if (const sdk::ConfigNode* n = config.find("batch_size"); n && !n->is_null()) {
    const int64_t value = n->as_int();
    if (value < 1 || value > (1 << 24)) n->fail("batch_size must be between 1 and 16777216");
    batch_size_ = static_cast<uint32_t>(value);
  }
  if (batch_size_ == 0) batch_size_ = 1;
  pending_.reserve(batch_size_);
}

void Generate::start() {
  writer_.emplace(seed_, mix_);
  produced_ = 0;
  next_line_ = 1;
  bytes_ = 0;
  pace_start_.reset();
  stopping_.store(false, std::memory_order_relaxed);
}

void Generate::stop() { stopping_.store(true, std::memory_order_relaxed); }

bool Generate::next(sdk::Batch& batch) {
  if (!writer_) start();
  if (count_ != 0 && produced_ >= count_) return false;
  uint64_t wanted = batch_size_;
  if (count_ != 0) wanted = std::min(wanted, count_ - produced_);
  if (rate_ > 0) wanted = paced_count(wanted);

  // Write every line first, then add the records: growing the input moves it.
  std::string& in = batch.input();
  const std::size_t base = in.size();
  const uint64_t average = produced_ > 0 ? bytes_ / produced_ + 1 : 640;
  in.resize(base + wanted * average + EventWriter::kMaxStepBytes);
  std::size_t pos = base;
  pending_.clear();
  for (uint64_t i = 0; i < wanted; ++i) {
    if (in.size() - pos < EventWriter::kMaxStepBytes)
      in.resize(std::max(in.size() + in.size() / 2, pos + EventWriter::kMaxStepBytes));
    const EventWriter::Step step = writer_->write_next(in.data() + pos);
    pending_.push_back(PendingLine{pos, step.record_bytes, next_line_});
    next_line_ += step.lines;
    pos += step.bytes;
  }
  in.resize(pos);
  batch.reserve(batch.size() + pending_.size());
  for (const PendingLine& p : pending_) batch.add_line(std::string_view(in.data() + p.offset, p.size), p.line);

  produced_ += wanted;
  bytes_ += pos - base;
  batch.input_offset_end = bytes_;
  return count_ == 0 || produced_ < count_;
}

uint64_t Generate::paced_count(uint64_t wanted) {
  Clock::time_point now = Clock::now();
  if (!pace_start_) pace_start_ = now;
  const Clock::time_point deadline = now + max_batch_delay_;
  for (;;) {
    const double elapsed = std::chrono::duration<double>(now - *pace_start_).count();
    // The first record is due at once, the next 1/rate later, and so on.
    const uint64_t due_total = static_cast<uint64_t>(elapsed * rate_) + 1;
    const uint64_t due = due_total > produced_ ? due_total - produced_ : 0;
    if (due >= wanted || now >= deadline || stopping_.load(std::memory_order_relaxed))
      return std::min(due, wanted);
    const auto all_due = *pace_start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                            static_cast<double>(produced_ + wanted - 1) / rate_));
    std::this_thread::sleep_until(std::min({all_due, deadline, now + kSleepStep}));
    now = Clock::now();
  }
}

sdk::Progress Generate::progress() const {
  sdk::Progress p{bytes_, 0};
  if (count_ != 0 && produced_ > 0)
    p.total_bytes = static_cast<uint64_t>(static_cast<double>(bytes_) / static_cast<double>(produced_) *
                                          static_cast<double>(count_));
  return p;
}

}  // namespace sluice::plugins::generate
