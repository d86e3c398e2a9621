// The reference server: the real OpenSSH sshd, in inetd mode on any transport's server end
// or as a daemon on loopback TCP.
#pragma once

#include <filesystem>

#include "../transports/transport.hpp"
#include "process.hpp"
#include "run_directory.hpp"

namespace sshtc {

class OpenSshServer {
 public:
  explicit OpenSshServer(const RunDirectory& run) : run_(run) {}

  // `sshd -i` with the endpoint as stdin and stdout; its log goes to case_dir/sshd.log.
  Process serve_inetd(const ServerEndpoint& endpoint, const std::filesystem::path& case_dir) const;

  struct Daemon {
    Process process;
    int port;
  };
  // `sshd -D` listening on 127.0.0.1 at a port the kernel picked; returns once it accepts.
  Daemon start_daemon(const std::filesystem::path& log_dir, Clock::time_point deadline) const;

 private:
  std::vector<std::string> command(const std::filesystem::path& log) const;
  Environment environment() const;
  const RunDirectory& run_;
};

}  // namespace sshtc
