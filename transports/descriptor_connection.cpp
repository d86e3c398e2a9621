#include "transport.hpp"

namespace sshtc {

DescriptorConnection::DescriptorConnection(UniqueFd client_in, UniqueFd client_out,
                                           UniqueFd server_in, UniqueFd server_out,
                                           std::string unix_path)
    : client_in_(std::move(client_in)),
      client_out_(std::move(client_out)),
      server_in_(std::move(server_in)),
      server_out_(std::move(server_out)),
      unix_path_(std::move(unix_path)) {}

ClientEndpoint DescriptorConnection::client() const {
  ClientEndpoint endpoint;
  endpoint.fd_in = client_in_.get();
  endpoint.fd_out = client_out_ ? client_out_.get() : client_in_.get();
  endpoint.unix_path = unix_path_;
  return endpoint;
}

ServerEndpoint DescriptorConnection::accept_server(std::chrono::steady_clock::time_point, int) {
  return {server_in_.get(), server_out_ ? server_out_.get() : server_in_.get()};
}

void DescriptorConnection::close_client_side() {
  client_in_.reset();
  client_out_.reset();
}

void DescriptorConnection::close_server_side() {
  server_in_.reset();
  server_out_.reset();
}

}  // namespace sshtc
