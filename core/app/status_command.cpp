// `sluice status`: prints what a running pipeline's admin API reports (GET /v1/pipeline).
#include "admin/admin_client.hpp"
#include "app/cli_options.hpp"
#include "app/commands.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <iostream>

namespace sluice::app {
namespace po = boost::program_options;

namespace {

uint64_t count(const boost::json::object& o, const char* key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<uint64_t>() : 0;
}

std::string text(const boost::json::object& o, const char* key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

double number(const boost::json::value& v) { return v.is_number() ? v.to_number<double>() : 0.0; }

}  // namespace

int status_command(const Invocation& inv) {
  AdminClientOptions api;
  bool json = false;
  po::options_description options("status options");
  add_admin_client_options(options, api);
  options.add_options()("json", po::bool_switch(&json), "print the JSON as the API answers it");
  const std::string usage = "usage: sluice status --admin HOST:PORT [--json]";
  if (auto rc = parse_arguments(inv, usage, options, {})) return *rc;
  if (api.address.empty()) return usage_error("status needs --admin HOST:PORT", usage, options);
  try {
    admin::AdminClient client(admin::parse_admin_endpoint(api.address), admin::load_admin_token(api.token_file));
    admin::AdminReply reply = client.get("/v1/pipeline");
    if (reply.status != 200) {
      std::cerr << "sluice: the admin API answered " << reply.status << ": " << reply.body;
      return kExitRunFailed;
    }
    if (json) {
      std::cout << reply.body;
      return kExitOk;
    }
    boost::json::object p = boost::json::parse(reply.body).as_object();
    std::cout << fmt::format("pipeline {}: {}, {:.1f} s, {} batches in flight\n", text(p, "pipeline"), text(p, "state"),
                             number(p["uptime_seconds"]), count(p, "batches_in_flight"));
    std::cout << fmt::format("records: in {}, delivered {}, dead {}, filtered {}, absorbed {}; rows out {}\n",
                             count(p, "records_in"), count(p, "delivered"), count(p, "dead"), count(p, "filtered"),
                             count(p, "absorbed"), count(p, "rows_out"));
    const boost::json::object& lat = p["batch_latency_us"].as_object();
    std::cout << fmt::format("batch latency: p50 {:.2f} ms, p99 {:.2f} ms; swaps: {} done, {} failed\n",
                             number(lat.at("p50")) / 1000, number(lat.at("p99")) / 1000, count(p, "swaps_done"),
                             count(p, "swaps_failed"));
    std::cout << fmt::format("  {:<14} {:<11} {:<26} {:<9} {:>10} {:>10} {:>8} {:>8} {:>5} {:>9} {:>7}\n", "STAGE",
                             "ROLE", "PLUGIN", "STATE", "IN", "OUT", "DEAD", "FILTERED", "INFL", "P99 ms", "SWAPS");
    for (const boost::json::value& v : p["stages"].as_array()) {
      const boost::json::object& s = v.as_object();
      std::cout << fmt::format("  {:<14} {:<11} {:<26} {:<9} {:>10} {:>10} {:>8} {:>8} {:>5} {:>9.2f} {:>7}\n",
                               text(s, "name"), text(s, "role"), text(s, "plugin") + "@" + text(s, "version"),
                               text(s, "state"), count(s, "in"), count(s, "out"), count(s, "dead"),
                               count(s, "filtered"), count(s, "in_flight"), number(s.at("batch_us").at("p99")) / 1000,
                               fmt::format("{}/{}", count(s, "swaps_done"), count(s, "swaps_failed")));
      if (std::string e = text(s, "last_swap_error"); !e.empty()) std::cout << "      last swap failed: " << e << "\n";
      if (const boost::json::value* skips = s.if_contains("skips")) {
        std::string names;
        for (const boost::json::value& f : skips->as_array())
          names += (names.empty() ? "" : ", ") + std::string(f.as_string());
        std::cout << "      skips " << names << " (no stage after it reads them: field pruning)\n";
      }
    }
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "sluice: " << e.what() << "\n";
    return kExitRunFailed;
  }
}

}  // namespace sluice::app
