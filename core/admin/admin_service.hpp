// The admin API of one `sluice run`: its routes and its server, started together, stopped at
// the end of the run.
#pragma once

#include "admin/admin_routes.hpp"
#include "admin/admin_server.hpp"

#include <memory>
#include <string>

namespace sluice::admin {

class AdminService {
 public:
  // Parses `address` (HOST:PORT, or a port on 127.0.0.1), reads the token (`token_file`, else
  // $SLUICE_ADMIN_TOKEN), binds and starts serving, then prints
  // "admin: listening on HOST:PORT" on stderr. Throws std::exception with a readable message.
  // `pipeline` and `state` must outlive this object.
  AdminService(runtime::Pipeline& pipeline, runtime::RunState& state, const std::string& address,
               const std::string& token_file);
  ~AdminService();

  AdminEndpoint endpoint() const { return server_->endpoint(); }
  // Stops serving; idempotent. Call after the run, once every swap and tap has its answer.
  void stop() { server_->stop(); }

 private:
  AdminRoutes routes_;
  std::unique_ptr<AdminServer> server_;
};

}  // namespace sluice::admin
