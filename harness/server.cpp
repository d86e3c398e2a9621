#include "server.hpp"

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

bool accepts_connections(int port) {
  UniqueFd probe(check_sys(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"));
  sockaddr_in address = loopback(port);
  return ::connect(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

}  // namespace

// A server cannot report a port it picked itself, so the kernel picks one for it first.
int free_loopback_port() {
  UniqueFd probe(check_sys(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"));
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  check_sys(::bind(probe.get(), reinterpret_cast<sockaddr*>(&address), length), "bind");
  check_sys(::getsockname(probe.get(), reinterpret_cast<sockaddr*>(&address), &length), "getsockname");
  return ntohs(address.sin_port);
}

ProcessSpec server_spec(const RunDirectory& run, const Implementation& server, const Environment& scenario,
                        const fs::path& case_dir) {
  ProcessSpec spec;
  spec.what = server.name + " server adapter";
  spec.argv = server.command;
  spec.env = adapter_base_environment(run, server);
  for (const auto& [name, value] : scenario) spec.env[name] = value;
  spec.env["SSHTC_SERVER_LOG"] = (case_dir / "server.log").string();
  fs::path tmp = case_dir / "server-tmp";
  fs::create_directories(tmp);
  fs::permissions(tmp, fs::perms::owner_all, fs::perm_options::replace);
  spec.env["TMPDIR"] = tmp.string();
  spec.stderr_path = case_dir / "server.stderr";
  return spec;
}

ProcessSpec inetd_server_spec(const RunDirectory& run, const Implementation& server, const Environment& scenario,
                              const ServerEndpoint& endpoint, const fs::path& case_dir) {
  ProcessSpec spec = server_spec(run, server, scenario, case_dir);
  spec.stdin_fd = endpoint.fd_in;
  spec.stdout_fd = endpoint.fd_out;
  return spec;
}

Daemon start_daemon(const RunDirectory& run, const Implementation& server, const Environment& scenario,
                    const fs::path& case_dir, Clock::time_point deadline,
                    const std::function<void(ProcessSpec&)>& finish) {
  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    int port = free_loopback_port();
    ProcessSpec spec = server_spec(run, server, scenario, case_dir);
    spec.env["SSHTC_LISTEN_HOST"] = "127.0.0.1";
    spec.env["SSHTC_LISTEN_PORT"] = std::to_string(port);
    finish(spec);
    Process daemon = Process::spawn(spec);
    std::string where = server.name + " on 127.0.0.1:" + std::to_string(port);
    // Ready means it accepts a connection: the OpenSSH regress suite polls the same way.
    while (Clock::now() < deadline) {
      if (accepts_connections(port)) return {std::move(daemon), port};
      if (auto status = daemon.exited_within(std::chrono::milliseconds(5))) {
        // Most likely the port was taken meanwhile: try another.
        last_error = where + ": " + status->describe() + " before accepting; " +
                     read_file(case_dir / "server.stderr") + read_file(case_dir / "server.log");
        break;
      }
    }
    if (Clock::now() >= deadline) {
      last_error = where + ": it did not accept in time";
      break;
    }
  }
  throw std::runtime_error(last_error);
}

}  // namespace sshtc
