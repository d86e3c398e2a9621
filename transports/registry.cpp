// The transports of the matrix, in column order. A new transport is one file, its maker's
// declaration and entry here, and the file's line in transports/CMakeLists.txt.
#include "../base/registry.hpp"
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
  return find_named(all_transports(), name, "transport");
}

}  // namespace sshtc
