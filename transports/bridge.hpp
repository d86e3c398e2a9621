// Two connections of descriptor transports joined by a byte pump: the client has the first's
// client side, the server the second's server side, and the pump copies between the first's
// server side and the second's client side, shaped as it is told. The tunnel (the original
// report's WebRTC bridge) and the shaped variants (variant.hpp) are bridges.
#pragma once

#include <memory>

#include "byte_pump.hpp"
#include "transport.hpp"

namespace sshtc {

struct BridgeShape {
  Shaping to_server{};
  Shaping to_client{};
  uint64_t seed = 0;
};

class BridgeConnection : public Connection {
 public:
  BridgeConnection(std::unique_ptr<Connection> client_side, std::unique_ptr<Connection> server_side,
                   BridgeShape shape);
  ClientEndpoint client() const override { return client_side_->client(); }
  // The pump starts here, once the client's side has its server end (a transport may wait for
  // the client to dial); the server's side must be one pair of descriptors from the start.
  ServerEndpoint accept_server(std::chrono::steady_clock::time_point deadline, int give_up) override;
  void close_client_side() override { client_side_->close_client_side(); }
  void close_server_side() override { server_side_->close_server_side(); }

 private:
  std::unique_ptr<Connection> client_side_, server_side_;
  BridgeShape shape_;
  std::unique_ptr<BytePump> pump_;
};

}  // namespace sshtc
