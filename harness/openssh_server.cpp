#include "openssh_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdexcept>


namespace fs = std::filesystem;

namespace sshtc {
namespace {

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

// sshd cannot report a port it picked itself, so the kernel picks one for us first.
int free_loopback_port() {
  UniqueFd probe(check_sys(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"));
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  check_sys(::bind(probe.get(), reinterpret_cast<sockaddr*>(&address), length), "bind");
  check_sys(::getsockname(probe.get(), reinterpret_cast<sockaddr*>(&address), &length),
            "getsockname");
  return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
  UniqueFd probe(check_sys(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"));
  sockaddr_in address = loopback(port);
  return ::connect(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

// -E, not -e: -e would put sshd's debug lines into the session's own stderr.
std::vector<std::string> sshd_command(const RunDirectory& run, const fs::path& log) {
  return {sshd_binary().string(), "-f", run.sshd_config.string(), "-E", log.string()};
}

Environment sshd_environment() { return {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}}; }

}  // namespace

std::shared_ptr<Server> make_openssh_server() { return std::make_shared<OpenSshServer>(); }

ProcessSpec OpenSshServer::inetd_spec(const RunDirectory& run, const ServerEndpoint& endpoint,
                                      const fs::path& case_dir) const {
  ProcessSpec spec;
  spec.what = "sshd -i";
  spec.argv = sshd_command(run, case_dir / "server.log");
  spec.argv.push_back("-i");
  spec.env = sshd_environment();
  spec.stdin_fd = endpoint.fd_in;
  spec.stdout_fd = endpoint.fd_out;
  spec.stderr_path = case_dir / "sshd.stderr";
  return spec;
}

OpenSshServer::Daemon OpenSshServer::start_daemon(const RunDirectory& run, const fs::path& log_dir,
                                                  Clock::time_point deadline, const Environment& added) {
  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    int port = free_loopback_port();
    ProcessSpec spec;
    spec.what = "sshd -D";
    spec.argv = sshd_command(run, log_dir / "server.log");
    spec.argv.insert(spec.argv.end(), {"-D", "-o", "ListenAddress=127.0.0.1:" + std::to_string(port)});
    spec.env = sshd_environment();
    for (const auto& [name, value] : added) spec.env[name] = value;
    spec.stderr_path = log_dir / "sshd.stderr";
    Process daemon = Process::spawn(spec);
    // Ready means it accepts a connection: the OpenSSH regress suite polls the same way.
    while (Clock::now() < deadline) {
      if (accepts_connections(port)) return {std::move(daemon), port};
      if (auto status = daemon.exited_within(std::chrono::milliseconds(5))) {
        // Most likely the port was taken meanwhile: try another.
        last_error = "sshd -D " + status->describe() + " before accepting on 127.0.0.1:" +
                     std::to_string(port) + ": " + read_file(log_dir / "server.log");
        break;
      }
    }
    if (Clock::now() >= deadline) {
      last_error = "sshd -D did not accept on 127.0.0.1:" + std::to_string(port) + " in time";
      break;
    }
  }
  throw std::runtime_error(last_error);
}

}  // namespace sshtc
