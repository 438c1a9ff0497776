// The address the admin API listens on (`sluice run --admin`) or a client talks to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::admin {

struct AdminEndpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 when listening: any free port
  std::string str() const;
};

// Parses "HOST:PORT", "[IPv6]:PORT", ":PORT" or "PORT" (host 127.0.0.1). Throws
// std::invalid_argument with a readable message.
AdminEndpoint parse_admin_endpoint(std::string_view text);

// True for 127.0.0.0/8, ::1 and localhost.
bool is_loopback(const std::string& host);

// The bearer token: the first line of `token_file` when given, else $SLUICE_ADMIN_TOKEN, else
// empty (no authentication). Throws std::runtime_error for an unreadable or empty file.
std::string load_admin_token(const std::string& token_file);

}  // namespace sluice::admin
