// The original report's scenario (ronf/asyncssh#688): the client gets one end of a
// socketpair and a user-space bridge pumps its bytes to the server over two pipes, the way a
// WebRTC data-channel bridge does.
#include "bridge.hpp"

namespace sshtc {

std::shared_ptr<Transport> make_socketpair_transport();
std::shared_ptr<Transport> make_pipe_transport();

namespace {

class TunnelTransport : public Transport {
 public:
  std::string name() const override { return "tunnel"; }
  std::unique_ptr<Connection> open() override {
    return std::make_unique<BridgeConnection>(client_side_->open(), server_side_->open(), BridgeShape{});
  }

 private:
  std::shared_ptr<Transport> client_side_ = make_socketpair_transport();
  std::shared_ptr<Transport> server_side_ = make_pipe_transport();
};

}  // namespace

std::shared_ptr<Transport> make_tunnel_transport() { return std::make_shared<TunnelTransport>(); }

}  // namespace sshtc
