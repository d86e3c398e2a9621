// The transports of the matrix, in column order. A new transport is one file plus one line here.
#include <stdexcept>

#include "transport.hpp"

namespace sshtc {

std::shared_ptr<Transport> make_tcp4_transport();
std::shared_ptr<Transport> make_tcp6_transport();
std::shared_ptr<Transport> make_unix_transport();
std::shared_ptr<Transport> make_socketpair_transport();
std::shared_ptr<Transport> make_pipe_transport();
std::shared_ptr<Transport> make_tunnel_transport(std::shared_ptr<Transport> inner);

const std::vector<std::shared_ptr<Transport>>& all_transports() {
  static const std::vector<std::shared_ptr<Transport>> transports = {
      make_tcp4_transport(),
      make_tcp6_transport(),
      make_unix_transport(),
      make_socketpair_transport(),
      make_pipe_transport(),
      make_tunnel_transport(make_pipe_transport()),
  };
  return transports;
}

std::shared_ptr<Transport> find_transport(const std::string& name) {
  for (const auto& transport : all_transports()) {
    if (transport->name() == name) return transport;
  }
  throw std::invalid_argument("no transport named '" + name + "'");
}

}  // namespace sshtc
