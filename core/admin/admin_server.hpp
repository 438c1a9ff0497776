// The admin API's HTTP server (Boost.Beast): one thread, one connection served at a time,
// listening on 127.0.0.1 unless told otherwise, with an optional bearer token.
#pragma once

#include "admin/admin_endpoint.hpp"
#include "admin/admin_routes.hpp"

#include <memory>
#include <string>

namespace sluice::admin {

struct AdminServerOptions {
  AdminEndpoint endpoint;  // port 0: any free port
  std::string token;       // empty: no authentication
};

class AdminServer {
 public:
  // Binds and listens (throws std::runtime_error naming the address when it cannot); serves
  // nothing until start(). `routes` must outlive the server.
  AdminServer(AdminRoutes& routes, AdminServerOptions options);
  // Stops and joins the server thread.
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // The address actually bound (with the port picked for port 0).
  AdminEndpoint endpoint() const;

  // Starts serving on a thread of its own.
  void start();
  // Stops accepting, drops open connections once the request being answered is done, and
  // joins the thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::admin
