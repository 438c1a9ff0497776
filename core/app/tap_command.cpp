// `sluice tap`: prints a live sample of the records leaving one stage, as NDJSON.
#include "admin/admin_client.hpp"
#include "app/cli_options.hpp"
#include "app/commands.hpp"

#include <iostream>

namespace sluice::app {
namespace po = boost::program_options;

int tap_command(const Invocation& inv) {
  std::string address, token_file, stage;
  unsigned n = 10;
  unsigned timeout_ms = 10000;
  po::options_description options("tap options");
  options.add_options()("help,h", "show this help")("admin", po::value(&address),
                                                    "the pipeline's admin API, HOST:PORT (sluice run --admin)")(
      "count,n", po::value(&n), "records to sample (default 10, at most 10000)")(
      "timeout", po::value(&timeout_ms), "milliseconds to wait for them (default 10000); fewer may come")(
      "token-file", po::value(&token_file), "bearer token file (default: $SLUICE_ADMIN_TOKEN)");
  po::options_description all = options;
  all.add_options()("stage", po::value(&stage));
  po::positional_options_description positional;
  positional.add("stage", 1);
  const char* usage = "usage: sluice tap --admin HOST:PORT STAGE [-n N]";
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(inv.args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "sluice: " << e.what() << "\n\n" << usage << "\n" << options;
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << usage
              << "\n\nRecords leaving the stage: alive ones as their JSON value (unparsed ones as their "
                 "line, a string); for the dead-letter sink, the dead letters.\n\n"
              << options;
    return kExitOk;
  }
  if (address.empty() || stage.empty() || n == 0) {
    std::cerr << "sluice: tap needs --admin, STAGE and -n of at least 1\n\n" << usage << "\n" << options;
    return kExitUsage;
  }
  try {
    admin::AdminClient client(admin::parse_admin_endpoint(address), admin::load_admin_token(token_file),
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
