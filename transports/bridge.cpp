#include "bridge.hpp"

#include <fcntl.h>

#include <stdexcept>

namespace sshtc {
namespace {

int dup_cloexec(int fd) { return check_sys(::fcntl(fd, F_DUPFD_CLOEXEC, 3), "dup"); }

// The pump's own copies of a pair of ends (one descriptor for a socket, two for pipes).
StreamEnds duplicated(int in, int out) {
  int in_copy = dup_cloexec(in);
  return {in_copy, out == in ? in_copy : dup_cloexec(out)};
}

}  // namespace

BridgeConnection::BridgeConnection(std::unique_ptr<Connection> client_side, std::unique_ptr<Connection> server_side,
                                   BridgeShape shape)
    : client_side_(std::move(client_side)), server_side_(std::move(server_side)), shape_(std::move(shape)) {
  if (server_side_->client().fd_in < 0) {
    throw std::runtime_error("a bridge's server side must be a descriptor transport, not one the client dials");
  }
}

ServerEndpoint BridgeConnection::accept_server(std::chrono::steady_clock::time_point deadline, int give_up) {
  ServerEndpoint near = client_side_->accept_server(deadline, give_up);
  StreamEnds client_stream = duplicated(near.fd_in, near.fd_out);
  client_side_->close_server_side();
  ClientEndpoint far = server_side_->client();
  StreamEnds server_stream = duplicated(far.fd_in, far.fd_out);
  server_side_->close_client_side();
  pump_ = std::make_unique<BytePump>(client_stream, server_stream, shape_.to_server, shape_.to_client, shape_.seed);
  return server_side_->accept_server(deadline, give_up);
}

}  // namespace sshtc
