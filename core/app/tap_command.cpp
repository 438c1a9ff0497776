// `sluice tap`: prints a live sample of the records leaving one stage, as NDJSON.
#include "admin/admin_client.hpp"
#include "app/cli_options.hpp"
#include "app/commands.hpp"

#include <iostream>

namespace sluice::app {
namespace po = boost::program_options;

int tap_command(const Invocation& inv) {
  AdminClientOptions api;
  std::string stage;
  unsigned n = 10;
  unsigned timeout_ms = 10000;
  po::options_description options("tap options");
  add_admin_client_options(options, api);
  options.add_options()("count,n", po::value(&n), "records to sample (default 10, at most 10000)")(
      "timeout", po::value(&timeout_ms), "milliseconds to wait for them (default 10000); fewer may come");
  const std::string usage = "usage: sluice tap --admin HOST:PORT STAGE [-n N]";
  if (auto rc = parse_arguments(inv, usage, options, {{"stage", &stage}},
                                "Records leaving the stage: alive ones as their JSON value (unparsed ones as their "
                                "line, a string); for the dead-letter sink, the dead letters."))
    return *rc;
  if (api.address.empty() || stage.empty() || n == 0)
    return usage_error("tap needs --admin, STAGE and -n of at least 1", usage, options);
  try {
    admin::AdminClient client(admin::parse_admin_endpoint(api.address), admin::load_admin_token(api.token_file),
                              std::chrono::milliseconds(timeout_ms + 30000));
    admin::AdminReply reply = client.get("/v1/stages/" + admin::encode_path_segment(stage) +
                                         "/tap?n=" + std::to_string(n) + "&timeout_ms=" + std::to_string(timeout_ms));
    if (reply.status != 200) {
      std::cerr << "sluice: the admin API answered " << reply.status << ": " << reply.body;
      return kExitRunFailed;
    }
    std::cout << reply.body << std::flush;
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "sluice: " << e.what() << "\n";
    return kExitRunFailed;
  }
}

}  // namespace sluice::app
