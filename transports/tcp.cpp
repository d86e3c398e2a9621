// Loopback TCP over IPv4 or IPv6. The client dials host:port itself, through the library's
// own connect path; the harness accepts and gives sshd the accepted socket.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>
#include <stdexcept>

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

  // Port 0: the kernel picks a free port, so parallel runs never collide.
  std::pair<UniqueFd, int> listen_on_loopback() const {
    UniqueFd listener(check_sys(::socket(family_, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"));
    sockaddr_storage address{};
    socklen_t length;
    if (family_ == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&address);
      in->sin_family = AF_INET;
      in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      length = sizeof(sockaddr_in);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
      in6->sin6_family = AF_INET6;
      in6->sin6_addr = in6addr_loopback;
      length = sizeof(sockaddr_in6);
    }
    auto* raw = reinterpret_cast<sockaddr*>(&address);
    check_sys(::bind(listener.get(), raw, length), "bind");
    check_sys(::listen(listener.get(), 1), "listen");
    check_sys(::getsockname(listener.get(), raw, &length), "getsockname");
    int port = ntohs(family_ == AF_INET ? reinterpret_cast<sockaddr_in*>(&address)->sin_port
                                        : reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
    return {std::move(listener), port};
  }

  int family_;
};

}  // namespace

std::shared_ptr<Transport> make_tcp4_transport() { return std::make_shared<TcpTransport>(AF_INET); }
std::shared_ptr<Transport> make_tcp6_transport() { return std::make_shared<TcpTransport>(AF_INET6); }

}  // namespace sshtc
