// A small HTTP client for the admin API, used by `sluice swap`, `status`, `tap` and `top`.
#pragma once

#include "admin/admin_endpoint.hpp"

#include <chrono>
#include <string>

namespace sluice::admin {

struct AdminReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

class AdminClient {
 public:
  // token: sent as "Authorization: Bearer TOKEN" when not empty.
  AdminClient(AdminEndpoint endpoint, std::string token, std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // One request on a fresh connection. Throws std::runtime_error when the server cannot be
  // reached or does not answer within the timeout; any HTTP status is returned as is.
  AdminReply get(const std::string& target) const;
  AdminReply post(const std::string& target, const std::string& json_body) const;

  const AdminEndpoint& endpoint() const { return endpoint_; }

 private:
  AdminReply request(bool post, const std::string& target, const std::string& body) const;

  AdminEndpoint endpoint_;
  std::string token_;
  std::chrono::milliseconds timeout_;
};

// Percent-encodes a path segment (a stage name in /v1/stages/NAME/...).
std::string encode_path_segment(const std::string& segment);

}  // namespace sluice::admin
