// The original report's scenario (ronf/asyncssh#688): the client gets one end of a
// socketpair and a user-space bridge pumps its bytes to the server over another transport,
// the way a WebRTC data-channel bridge does. It wraps any descriptor transport.
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>

#include "byte_pump.hpp"
#include "transport.hpp"

namespace sshtc {
namespace {

class TunnelConnection : public Connection {
 public:
  explicit TunnelConnection(std::unique_ptr<Connection> inner) : inner_(std::move(inner)) {
    int pair[2];
    check_sys(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), "socketpair");
    client_.reset(pair[0]);
    ClientEndpoint far = inner_->client();
    if (far.fd_in < 0) throw std::runtime_error("tunnel: the inner transport gives no descriptors");
    // The pump owns the bridge's end and duplicates of the inner client side.
    int far_out = far.fd_out == far.fd_in ? -1 : dup_cloexec(far.fd_out);
    int far_in = dup_cloexec(far.fd_in);
    inner_->close_client_side();
    pump_ = std::make_unique<BytePump>(StreamEnds{pair[1], pair[1]},
                                       StreamEnds{far_in, far_out < 0 ? far_in : far_out});
  }

  ClientEndpoint client() const override {
    ClientEndpoint endpoint;
    endpoint.fd_in = endpoint.fd_out = client_.get();
    return endpoint;
  }
  ServerEndpoint accept_server(std::chrono::steady_clock::time_point deadline, int give_up) override {
    return inner_->accept_server(deadline, give_up);
  }
  void close_client_side() override { client_.reset(); }
  void close_server_side() override { inner_->close_server_side(); }

 private:
  static int dup_cloexec(int fd) { return check_sys(::fcntl(fd, F_DUPFD_CLOEXEC, 3), "dup"); }

  std::unique_ptr<Connection> inner_;
  UniqueFd client_;
  std::unique_ptr<BytePump> pump_;
};

class TunnelTransport : public Transport {
 public:
  explicit TunnelTransport(std::shared_ptr<Transport> inner) : inner_(std::move(inner)) {}
  std::string name() const override { return "tunnel"; }
  std::optional<std::string> unavailable() const override { return inner_->unavailable(); }
  std::unique_ptr<Connection> open() override {
    return std::make_unique<TunnelConnection>(inner_->open());
  }

 private:
  std::shared_ptr<Transport> inner_;
};

}  // namespace

std::shared_ptr<Transport> make_tunnel_transport(std::shared_ptr<Transport> inner) {
  return std::make_shared<TunnelTransport>(std::move(inner));
}

std::shared_ptr<Transport> make_pipe_transport();

// The matrix's tunnel: the original report's WebRTC bridge, a socketpair for the client pumped
// over two pipes to the server.
std::shared_ptr<Transport> make_tunnel_transport() { return make_tunnel_transport(make_pipe_transport()); }

}  // namespace sshtc
