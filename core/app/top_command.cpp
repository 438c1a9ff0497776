// `sluice top`: a live view of a running pipeline, refreshed each second: per stage, records/s,
// dead and filtered rates, batches in flight, p99 batch time and the running version.
#include "admin/admin_client.hpp"
#include "app/cli_options.hpp"
#include "app/commands.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <chrono>
#include <csignal>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>

#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace sluice::app {
namespace po = boost::program_options;

namespace {

volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_interrupt(int) { interrupted = 1; }

// Puts the terminal in non-canonical, no-echo mode while it lives, so that `q` is read at once.
class RawTerminal {
 public:
  RawTerminal() {
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    active_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  bool active() const { return active_; }

 private:
  termios saved_{};
  bool active_ = false;
};

double number(const boost::json::object& o, const char* key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : 0.0;
}

std::string text(const boost::json::object& o, const char* key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

struct Sample {
  std::chrono::steady_clock::time_point at;
  boost::json::object pipeline;
};

// One screen: rates from the difference with `previous`, or averages since the start.
std::string frame(const Sample& now, const Sample* previous) {
  const boost::json::object& p = now.pipeline;
  double dt = previous ? std::chrono::duration<double>(now.at - previous->at).count() : number(p, "uptime_seconds");
  std::map<std::string, const boost::json::object*> before;
  if (previous)
    for (const boost::json::value& v : previous->pipeline.at("stages").as_array())
      before[text(v.as_object(), "name")] = &v.as_object();
  auto rate = [&](const boost::json::object& s, const char* key) {
    double base = 0;
    if (previous) {
      auto it = before.find(text(s, "name"));
      if (it != before.end()) base = number(*it->second, key);
    }
    return dt > 0 ? (number(s, key) - base) / dt : 0.0;
  };
  double in_rate =
      dt > 0 ? (number(p, "records_in") - (previous ? number(previous->pipeline, "records_in") : 0)) / dt : 0.0;
  const boost::json::object& lat = p.at("batch_latency_us").as_object();
  std::string out = fmt::format(
      "sluice top - pipeline {} ({}), up {:.0f} s\n{:.0f} records/s in, {} batches in flight, batch latency p99 "
      "{:.2f} ms, swaps {} done / {} failed\n\n",
      text(p, "pipeline"), text(p, "state"), number(p, "uptime_seconds"), in_rate, number(p, "batches_in_flight"),
      number(lat, "p99") / 1000, number(p, "swaps_done"), number(p, "swaps_failed"));
  out += fmt::format("{:<14} {:<26} {:>11} {:>9} {:>9} {:>5} {:>9} {:>7}\n", "STAGE", "VERSION", "RECORDS/S", "DEAD/S",
                     "FILT/S", "INFL", "P99 ms", "SWAPS");
  for (const boost::json::value& v : p.at("stages").as_array()) {
    const boost::json::object& s = v.as_object();
    bool source = text(s, "role") == "source";
    out += fmt::format("{:<14} {:<26} {:>11.0f} {:>9.0f} {:>9.0f} {:>5.0f} {:>9.2f} {:>7}\n", text(s, "name"),
                       text(s, "plugin") + "@" + text(s, "version") + (text(s, "state") == "swapping" ? "*" : ""),
                       rate(s, source ? "out" : "in"), rate(s, "dead"), rate(s, "filtered"), number(s, "in_flight"),
                       number(s.at("batch_us").as_object(), "p99") / 1000,
                       fmt::format("{:.0f}/{:.0f}", number(s, "swaps_done"), number(s, "swaps_failed")));
  }
  return out;
}

}  // namespace

int top_command(const Invocation& inv) {
  AdminClientOptions api;
  bool once = false;
  double interval = 1.0;
  po::options_description options("top options");
  add_admin_client_options(options, api);
  options.add_options()("once", po::bool_switch(&once), "print one screen (rates averaged since the start) and exit")(
      "interval", po::value(&interval), "seconds between refreshes (default 1)");
  const std::string usage = "usage: sluice top --admin HOST:PORT [--once]   (q or Ctrl-C quits)";
  if (auto rc = parse_arguments(inv, usage, options, {})) return *rc;
  if (api.address.empty() || interval <= 0)
    return usage_error("top needs --admin HOST:PORT (and a positive --interval)", usage, options);

  try {
    admin::AdminClient client(admin::parse_admin_endpoint(api.address), admin::load_admin_token(api.token_file),
                              std::chrono::seconds(10));
    auto fetch = [&] {
      admin::AdminReply reply = client.get("/v1/pipeline");
      if (reply.status != 200)
        throw std::runtime_error("the admin API answered " + std::to_string(reply.status) + ": " + reply.body);
      return Sample{std::chrono::steady_clock::now(), boost::json::parse(reply.body).as_object()};
    };
    if (once) {
      std::cout << frame(fetch(), nullptr) << std::flush;
      return kExitOk;
    }

    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    RawTerminal terminal;
    const bool screen = isatty(STDOUT_FILENO);
    std::optional<Sample> previous;
    while (!interrupted) {
      Sample now;
      try {
        now = fetch();
      } catch (const std::exception& e) {
        if (!previous) throw;
        std::cout << (screen ? "\x1b[H\x1b[2J" : "\n") << "sluice: " << e.what() << " (the run may have ended)\n";
        return kExitOk;
      }
      std::cout << (screen ? "\x1b[H\x1b[2J" : "\n") << frame(now, previous ? &*previous : nullptr)
                << (terminal.active() ? "\n(q quits)\n" : "") << std::flush;
      previous = std::move(now);
      // Wait for the next refresh, or for q on the terminal.
      auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(interval);
      while (!interrupted) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd fd{STDIN_FILENO, POLLIN, 0};
        int ready = poll(&fd, terminal.active() ? 1 : 0, static_cast<int>(left.count()));
        if (ready > 0) {
          char c = 0;
          if (read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q')) return kExitOk;
        }
      }
    }
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "sluice: " << e.what() << "\n";
    return kExitRunFailed;
  }
}

}  // namespace sluice::app
