#include "admin/admin_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>

namespace sluice::admin {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr auto kIoTimeout = std::chrono::seconds(30);
constexpr std::size_t kMaxBody = 1 << 20;

// Compares without an early exit, so that timing does not tell how much of a token matched.
bool same_token(std::string_view given, std::string_view expected) {
  if (given.size() != expected.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < given.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
  return diff == 0;
}

// One connection: reads requests and answers them in turn until the peer closes.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, AdminRoutes& routes, const std::string& token)
      : stream_(std::move(socket)), routes_(routes), token_(token) {}

  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxBody);
    stream_.expires_after(kIoTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec) return close();  // closed by the peer, timed out, or a malformed request
    http::request<http::string_body> request = parser_->release();
    AdminResponse answer = respond(request);
    auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status),
                                                                        request.version());
    response->set(http::field::server, "sluice");
    response->set(http::field::content_type, answer.content_type);
    response->set(http::field::cache_control, "no-store");
    if (answer.status == 401) response->set(http::field::www_authenticate, "Bearer realm=\"sluice\"");
    response->keep_alive(request.keep_alive());
    response->body() = std::move(answer.body);
    response->prepare_payload();
    stream_.expires_after(kIoTimeout);
    http::async_write(stream_, *response, [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
      if (ec || !response->keep_alive()) return self->close();
      self->read();
    });
  }

  AdminResponse respond(const http::request<http::string_body>& request) {
    if (!token_.empty()) {
      auto it = request.find(http::field::authorization);
      std::string_view given = it == request.end() ? std::string_view{} : std::string_view(it->value());
      constexpr std::string_view kBearer = "Bearer ";
      if (!given.starts_with(kBearer) || !same_token(given.substr(kBearer.size()), token_))
        return error_response(401, "missing or wrong bearer token (Authorization: Bearer TOKEN)");
    }
    return routes_.handle(std::string_view(request.method_string()), std::string_view(request.target()),
                          request.body());
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  AdminRoutes& routes_;
  const std::string& token_;
};

}  // namespace

struct AdminServer::Impl {
  Impl(AdminRoutes& r, AdminServerOptions o) : routes(r), options(std::move(o)), acceptor(io) {}

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;  // closed by stop()
      std::make_shared<Session>(std::move(socket), routes, options.token)->read();
      accept();
    });
  }

  AdminRoutes& routes;
  AdminServerOptions options;
  net::io_context io{1};
  tcp::acceptor acceptor;
  AdminEndpoint bound;
  std::thread thread;
};

AdminServer::AdminServer(AdminRoutes& routes, AdminServerOptions options)
    : impl_(std::make_unique<Impl>(routes, std::move(options))) {
  const AdminEndpoint& want = impl_->options.endpoint;
  try {
    tcp::resolver resolver(impl_->io);
    auto results =
        resolver.resolve(want.host, std::to_string(want.port), tcp::resolver::numeric_service | tcp::resolver::passive);
    tcp::endpoint endpoint = results.begin()->endpoint();
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(net::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(net::socket_base::max_listen_connections);
    tcp::endpoint local = impl_->acceptor.local_endpoint();
    impl_->bound.host = local.address().to_string();
    impl_->bound.port = local.port();
  } catch (const std::exception& e) {
    throw std::runtime_error("admin: cannot listen on " + want.str() + ": " + e.what());
  }
}

AdminServer::~AdminServer() { stop(); }

AdminEndpoint AdminServer::endpoint() const { return impl_->bound; }

void AdminServer::start() {
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void AdminServer::stop() {
  if (!impl_->thread.joinable()) return;
  net::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
  impl_->thread.join();
}

}  // namespace sluice::admin
