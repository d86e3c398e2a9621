#include <stdexcept>

#include "server.hpp"

namespace sshtc {

std::shared_ptr<Server> make_openssh_server();
std::shared_ptr<Server> make_dropbear_server();

const std::vector<std::shared_ptr<Server>>& all_servers() {
  static const std::vector<std::shared_ptr<Server>> servers = {
      make_openssh_server(),
      make_dropbear_server(),
  };
  return servers;
}

std::shared_ptr<Server> find_server(const std::string& name) {
  for (const auto& server : all_servers()) {
    if (server->name() == name) return server;
  }
  throw std::invalid_argument("no server named '" + name + "'");
}

}  // namespace sshtc
