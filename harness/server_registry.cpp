#include <cstdlib>

#include "../base/registry.hpp"
#include "server.hpp"

namespace sshtc {

#define SSHTC_SERVER(name) std::shared_ptr<Server> make_##name##_server();
#include "servers.def"
#undef SSHTC_SERVER

const std::vector<std::shared_ptr<Server>>& all_servers() {
  static const std::vector<std::shared_ptr<Server>> servers = [] {
    std::vector<std::shared_ptr<Server>> all = {
#define SSHTC_SERVER(name) make_##name##_server(),
#include "servers.def"
#undef SSHTC_SERVER
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
