#include "admin/admin_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
#include <stdexcept>

namespace sluice::admin {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

AdminClient::AdminClient(AdminEndpoint endpoint, std::string token, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), token_(std::move(token)), timeout_(timeout) {}

AdminReply AdminClient::get(const std::string& target) const { return request(false, target, {}); }

AdminReply AdminClient::post(const std::string& target, const std::string& json_body) const {
  return request(true, target, json_body);
}

AdminReply AdminClient::request(bool post, const std::string& target, const std::string& body) const {
  // Asynchronous operations on a private io_context: the only way Beast applies a timeout.
  net::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::string_body> req(post ? http::verb::post : http::verb::get, target, 11);
  req.set(http::field::host, endpoint_.str());
  req.set(http::field::user_agent, "sluice");
  if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
  if (post) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.keep_alive(false);
  req.prepare_payload();
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);

  beast::error_code failure;
  const char* step = "connect to";
  tcp::resolver resolver(io);
  tcp::resolver::results_type endpoints;
  try {
    endpoints = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), tcp::resolver::numeric_service);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot resolve " + endpoint_.host + ": " + e.what());
  }
  stream.expires_after(timeout_);
  stream.async_connect(endpoints, [&](beast::error_code ec, const tcp::endpoint&) {
    if (ec) {
      failure = ec;
      return;
    }
    step = "send to";
    http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        failure = ec;
        return;
      }
      step = "read from";
      http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) { failure = ec; });
    });
  });
  io.run();
  if (failure) {
    std::string why = failure == beast::error::timeout ? "no answer within the timeout" : failure.message();
    throw std::runtime_error(std::string("cannot ") + step + " the admin API at " + endpoint_.str() + ": " + why);
  }
  http::response<http::string_body> res = parser.release();
  AdminReply reply;
  reply.status = static_cast<int>(res.result_int());
  if (auto it = res.find(http::field::content_type); it != res.end()) reply.content_type = std::string(it->value());
  reply.body = std::move(res.body());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return reply;
}

std::string encode_path_segment(const std::string& segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace sluice::admin
