#include <cstdlib>

#include "../base/registry.hpp"
#include "server.hpp"

namespace sshtc {

std::shared_ptr<Server> make_openssh_server();
std::shared_ptr<Server> make_dropbear_server();

const std::vector<std::shared_ptr<Server>>& all_servers() {
  static const std::vector<std::shared_ptr<Server>> servers = [] {
    std::vector<std::shared_ptr<Server>> all = {
        make_openssh_server(),
        make_dropbear_server(),
    };
    // sshd-D is a name too: an extra server may not take it.
    std::vector<std::string> taken = {"sshd-D"};
    for (const auto& server : all) taken.push_back(server->name());
    const char* extra = std::getenv("SSHTC_EXTRA_SERVERS");
    for (auto& server : parse_extra_servers(extra ? extra : "", taken)) all.push_back(server);
    return all;
  }();
  return servers;
}

std::shared_ptr<Server> find_server(const std::string& name) { return find_named(all_servers(), name, "server"); }

}  // namespace sshtc
