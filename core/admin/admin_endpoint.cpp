#include "admin/admin_endpoint.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace sluice::admin {

std::string AdminEndpoint::str() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

AdminEndpoint parse_admin_endpoint(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("invalid admin address '" + std::string(text) + "': " + why +
                                 " (expected HOST:PORT, e.g. 127.0.0.1:9090, or a port)");
  };
  AdminEndpoint e;
  std::string_view port = text;
  if (!text.empty() && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw bad("an IPv6 address needs the form [ADDRESS]:PORT");
    e.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else if (std::size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    if (colon > 0) e.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  if (e.host.empty()) throw bad("empty host");
  unsigned value = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || p != port.data() + port.size() || value > 65535)
    throw bad("the port must be a number from 0 to 65535");
  e.port = static_cast<uint16_t>(value);
  return e;
}

bool is_loopback(const std::string& host) { return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0; }

std::string load_admin_token(const std::string& token_file) {
  std::string token;
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    if (!in) throw std::runtime_error("cannot read the admin token file '" + token_file + "'");
    std::getline(in, token);
    if (!token.empty() && token.back() == '\r') token.pop_back();
    if (token.empty()) throw std::runtime_error("the admin token file '" + token_file + "' is empty");
    return token;
  }
  if (const char* env = std::getenv("SLUICE_ADMIN_TOKEN")) token = env;
  return token;
}

}  // namespace sluice::admin
