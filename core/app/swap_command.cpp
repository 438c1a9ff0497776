// `sluice swap`: asks a running pipeline's admin API to swap one stage's version.
#include "admin/admin_client.hpp"
#include "app/cli_options.hpp"
#include "app/commands.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <iostream>

namespace sluice::app {
namespace po = boost::program_options;

int swap_command(const Invocation& inv) {
  AdminClientOptions api;
  std::string stage, version, plugin, config_json;
  int64_t timeout_ms = 0;
  po::options_description options("swap options");
  add_admin_client_options(options, api);
  options.add_options()("plugin", po::value(&plugin), "swap to another plugin (default: the stage's own)")(
      "config", po::value(&config_json), "the new stage config as a JSON object (default: the current one)")(
      "timeout", po::value(&timeout_ms), "milliseconds to wait for a serial stage's next batch (default 10000)");
  const std::string usage = "usage: sluice swap --admin HOST:PORT STAGE VERSION [--plugin NAME] [--config JSON]";
  if (auto rc = parse_arguments(inv, usage, options, {{"stage", &stage}, {"version", &version}},
                                "VERSION is a version (1.3.0) or a requirement (^1.2, ~1.2, >=1.2 <2)."))
    return *rc;
  if (api.address.empty() || stage.empty() || version.empty())
    return usage_error("swap needs --admin, STAGE and VERSION", usage, options);

  boost::json::object body{{"version", version}};
  if (!plugin.empty()) body["plugin"] = plugin;
  if (timeout_ms > 0) body["timeout_ms"] = timeout_ms;
  if (!config_json.empty()) {
    boost::system::error_code ec;
    boost::json::value config = boost::json::parse(config_json, ec);
    if (ec || !config.is_object()) {
      std::cerr << "sluice: --config must be a JSON object, e.g. '{\"field\": \"v\"}'\n";
      return kExitUsage;
    }
    body["config"] = std::move(config);
  }

  try {
    // The server answers once the swap took effect or failed: allow for its own timeout.
    std::chrono::milliseconds wait(timeout_ms > 0 ? timeout_ms + 30000 : 60000);
    admin::AdminClient client(admin::parse_admin_endpoint(api.address), admin::load_admin_token(api.token_file), wait);
    admin::AdminReply reply =
        client.post("/v1/stages/" + admin::encode_path_segment(stage) + "/swap", boost::json::serialize(body));
    boost::system::error_code ec;
    boost::json::value answer = boost::json::parse(reply.body, ec);
    const boost::json::object* o = ec ? nullptr : answer.if_object();
    auto field = [&](const char* key) -> std::string {
      const boost::json::value* v = o ? o->if_contains(key) : nullptr;
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    if (reply.status != 200) {
      std::string running =
          o && o->contains("plugin") ? fmt::format("; {} {} keeps running", field("plugin"), field("version")) : "";
      std::cerr << fmt::format("sluice: swap of stage '{}' failed ({} {}): {}{}\n", stage, reply.status, field("code"),
                               o ? field("error") : reply.body, running);
      return kExitRunFailed;
    }
    const boost::json::value* previous = o->if_contains("previous");
    std::string from = previous && previous->is_object()
                           ? fmt::format("{} {}", previous->at("plugin").as_string().c_str(),
                                         previous->at("version").as_string().c_str())
                           : "?";
    const boost::json::value* pause = o->if_contains("pause_us");
    std::cout << fmt::format("stage '{}': {} -> {} {} (batches held {} us)\n", stage, from, field("plugin"),
                             field("version"), pause ? boost::json::serialize(*pause) : "0");
    // Field pruning: earlier stages that had to compute more for the new version.
    const boost::json::value* reinitialised = o->if_contains("reinitialised");
    const boost::json::value* first_batch = o->if_contains("first_batch");
    if (reinitialised && reinitialised->is_array()) {
      for (const boost::json::value& e : reinitialised->get_array()) {
        const boost::json::object* entry = e.if_object();
        if (!entry || !entry->contains("stage") || !entry->at("stage").is_string()) continue;
        std::string fields;
        if (const boost::json::value* c = entry->if_contains("computes"); c && c->is_array())
          for (const boost::json::value& f : c->get_array())
            if (f.is_string()) fields += (fields.empty() ? "" : ", ") + std::string(f.get_string());
        std::cout << fmt::format("  with stage '{}' re-initialised to compute {}, from batch {} on\n",
                                 entry->at("stage").get_string().c_str(), fields,
                                 first_batch ? boost::json::serialize(*first_batch) : "?");
      }
    }
    if (!field("warning").empty()) std::cerr << "warning: " << field("warning") << "\n";
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "sluice: " << e.what() << "\n";
    return kExitRunFailed;
  }
}

}  // namespace sluice::app
