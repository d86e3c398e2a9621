#include "../base/registry.hpp"
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

std::shared_ptr<Server> find_server(const std::string& name) { return find_named(all_servers(), name, "server"); }

}  // namespace sshtc
