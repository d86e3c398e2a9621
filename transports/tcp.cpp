// Loopback TCP over IPv4 or IPv6. The client dials host:port itself, through the library's
// own connect path; the harness accepts and gives sshd the accepted socket.
#include <poll.h>
#include <sys/socket.h>

#include <stdexcept>

#include "local_socket.hpp"
#include "transport.hpp"

namespace sshtc {
namespace {

class TcpConnection : public Connection {
 public:
  TcpConnection(UniqueFd listener, std::string host, int port)
      : listener_(std::move(listener)), host_(std::move(host)), port_(port) {}

  ClientEndpoint client() const override {
    ClientEndpoint endpoint;
    endpoint.host = host_;
    endpoint.port = port_;
    return endpoint;
  }

  ServerEndpoint accept_server(std::chrono::steady_clock::time_point deadline, int give_up) override {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd watch[2] = {{listener_.get(), POLLIN, 0}, {give_up, POLLIN, 0}};
    int ready = ::poll(watch, 2, left.count() > 0 ? static_cast<int>(left.count()) : 0);
    if (ready <= 0 || !(watch[0].revents & POLLIN)) {
      throw std::runtime_error("the client never connected to " + host_ + " port " +
                               std::to_string(port_) +
                               (watch[1].revents ? " (it exited without dialling)" : ""));
    }
    accepted_.reset(check_sys(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC), "accept"));
    listener_.reset();
    return {accepted_.get(), accepted_.get()};
  }

  void close_client_side() override {}
  void close_server_side() override { accepted_.reset(); }

 private:
  UniqueFd listener_, accepted_;
  std::string host_;
  int port_;
};

class TcpTransport : public Transport {
 public:
  explicit TcpTransport(int family) : family_(family) {}

  std::string name() const override { return family_ == AF_INET ? "tcp4" : "tcp6"; }

  std::optional<std::string> unavailable() const override {
    try {
      listen_on_loopback();
      return std::nullopt;
    } catch (const std::exception& error) {
      return std::string("cannot listen on ") + loopback() + ": " + error.what() +
             (family_ == AF_INET6 ? " (no IPv6 in this kernel or network namespace)" : "");
    }
  }

  std::unique_ptr<Connection> open() override {
    auto [listener, port] = listen_on_loopback();
    return std::make_unique<TcpConnection>(std::move(listener), loopback(), port);
  }

 private:
  const char* loopback() const { return family_ == AF_INET ? "127.0.0.1" : "::1"; }

  std::pair<UniqueFd, int> listen_on_loopback() const {
    SocketAddress address = inet_loopback(family_);
    UniqueFd listener = listen_at(address, 0, 1);
    return {std::move(listener), inet_port(address)};
  }

  int family_;
};

}  // namespace

std::shared_ptr<Transport> make_tcp4_transport() { return std::make_shared<TcpTransport>(AF_INET); }
std::shared_ptr<Transport> make_tcp6_transport() { return std::make_shared<TcpTransport>(AF_INET6); }

}  // namespace sshtc
