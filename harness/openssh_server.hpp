// The reference server: the real OpenSSH sshd, in inetd mode on any transport's server end
// (a Server of the matrix) or as a daemon on loopback TCP.
#pragma once

#include "server.hpp"

namespace sshtc {

class OpenSshServer : public Server {
 public:
  std::string name() const override { return "sshd-i"; }
  // `sshd -i` with the endpoint as stdin and stdout; its log goes to case_dir/server.log.
  ProcessSpec inetd_spec(const RunDirectory& run, const ServerEndpoint& endpoint,
                         const std::filesystem::path& case_dir) const override;

  struct Daemon {
    Process process;
    int port;
  };
  // `sshd -D` listening on 127.0.0.1 at a port the kernel picked, with `added` in its
  // environment (the session layer's audit); returns once it accepts.
  static Daemon start_daemon(const RunDirectory& run, const std::filesystem::path& log_dir,
                             Clock::time_point deadline, const Environment& added);
};

}  // namespace sshtc
