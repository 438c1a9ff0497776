#include "admin/admin_service.hpp"

#include <iostream>

namespace sluice::admin {

AdminService::AdminService(runtime::Pipeline& pipeline, runtime::RunState& state, const std::string& address,
                           const std::string& token_file)
    : routes_(pipeline, state) {
  AdminServerOptions options;
  options.endpoint = parse_admin_endpoint(address);
  options.token = load_admin_token(token_file);
  server_ = std::make_unique<AdminServer>(routes_, options);
  server_->start();
  std::string warning;
  if (!is_loopback(options.endpoint.host) && options.token.empty())
    warning = " (reachable from other hosts without a token: anyone there can swap stages; see --admin-token-file)";
  std::cerr << "admin: listening on " << server_->endpoint().str() << warning << "\n" << std::flush;
}

AdminService::~AdminService() { server_->stop(); }

}  // namespace sluice::admin
