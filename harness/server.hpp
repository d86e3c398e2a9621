// A server under test in inetd mode: started per connection with the transport's server end
// as its stdin and stdout. The matrix runs every client against every such server.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../transports/transport.hpp"
#include "../base/process.hpp"
#include "run_directory.hpp"

namespace sshtc {

class Server {
 public:
  virtual ~Server() = default;
  virtual std::string name() const = 0;  // the matrix's server axis: "sshd-i", "dropbear-i"
  // Why this server cannot run here (not installed, needs root), with the remedy; or nothing.
  virtual std::optional<std::string> unavailable() const { return std::nullopt; }
  // How to start it on `endpoint` (its stdin and stdout); its log goes to case_dir/server.log.
  // The session layer starts it, under the audit like every server.
  virtual ProcessSpec inetd_spec(const RunDirectory& run, const ServerEndpoint& endpoint,
                                 const std::filesystem::path& case_dir) const = 0;
};

// The inetd-mode servers in matrix order. A new built-in server is its file <name>_server.cpp
// plus one line in servers.def.
// Then the servers SSHTC_EXTRA_SERVERS adds (external_server.cpp); a malformed value throws,
// naming the entry.
const std::vector<std::shared_ptr<Server>>& all_servers();
std::shared_ptr<Server> find_server(const std::string& name);
std::vector<std::shared_ptr<Server>> parse_extra_servers(const std::string& spec, std::vector<std::string> taken);

}  // namespace sshtc
