// OpenSSH's ssh behind the contract (v2: exec, stdin, sftp with OpenSSH's sftp, forward with
// ssh -W). ssh dials tcp itself. It takes no descriptor on its command
// line and closes the ones it inherits, so on every other transport the adapter offers the
// transport's descriptors (proxy/fd_offer.hpp) and ssh fetches them through its ProxyCommand:
//   one socket (unix, socketpair, tunnel)  ProxyUseFdpass=yes, sshtc-fd-relay --pass: ssh then
//                                          does its own I/O, and its own socket calls, on it
//   separate pipes (pipe)                  sshtc-fd-relay --pump: ssh talks to the relay
// The openssh-nc row (--unix-via-nc) instead dials the unix transport's path with
// `nc -U`, the recipe users find for ssh over an AF_UNIX socket.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../contract/contract.hpp"
#include "../proxy/client_process.hpp"
#include "../proxy/fd_offer.hpp"
#include "../../base/scratch_dir.hpp"
#include "../proxy/shell_word.hpp"

using namespace sshtc::adapter;
using namespace sshtc::proxy;

namespace {

// Long enough for ssh to start and run its ProxyCommand; the harness's own session deadline
// ends a client that hangs.
constexpr std::chrono::seconds kOfferDeadline{15};
constexpr const char* kNetcat = "/usr/bin/nc";

std::string ssh_binary() {
  const char* custom = std::getenv("SSHTC_SSH");  // a maintainer's own build
  return custom && *custom ? custom : "/usr/bin/ssh";
}

// "OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026" -> "OpenSSH 9.2p1"
std::string version_line() {
  std::string banner = output_of({ssh_binary(), "-V"});
  if (banner.rfind("OpenSSH_", 0) != 0) return "unknown (" + ssh_binary() + " -V: " + banner + ")";
  return "OpenSSH " + banner.substr(8, banner.find_first_of(" ,\n") - 8);
}

// Whether a listening socket is bound to `path`, read from /proc/net/unix (a listener's flags
// are __SO_ACCEPTCON, 00010000) rather than by connecting, which would take a connection meant
// for someone else. nc -U can only dial a path somebody listens on.
bool something_listens_on(const std::string& path) {
  std::ifstream table("/proc/net/unix");
  for (std::string line; std::getline(table, line);) {
    std::istringstream fields(line);
    std::string slot, refs, protocol, flags, type, state, inode, bound;
    if (fields >> slot >> refs >> protocol >> flags >> type >> state >> inode >> bound &&
        bound == path && flags == "00010000") {
      return true;
    }
  }
  return false;
}

using Options = std::vector<std::pair<std::string, std::string>>;

// Everything ssh would otherwise take from ~/.ssh/config, /etc/ssh/ssh_config, an agent or
// the terminal is pinned here.
Options common_options(const Contract& c) {
  return {
      {"User", c.user},
      {"Port", std::to_string(c.port)},
      // known_hosts names the server by SSHTC_HOST whatever the transport and port.
      {"HostKeyAlias", c.host},
      {"UserKnownHostsFile", c.known_hosts},
      {"GlobalKnownHostsFile", "/dev/null"},
      {"StrictHostKeyChecking", "yes"},
      // The run's known_hosts is shared by parallel cases: never write to it.
      {"UpdateHostKeys", "no"},
      {"CheckHostIP", "no"},
      {"IdentityFile", c.identity},
      {"IdentitiesOnly", "yes"},
      {"IdentityAgent", "none"},
      {"BatchMode", "yes"},
      {"ControlMaster", "no"},
      {"ControlPath", "none"},
  };
}

void write_config(const std::string& path, const Options& options) {
  std::ofstream out(path);
  out << "Host *\n";
  // ssh splits values on blanks and honours double quotes; ProxyCommand alone is taken
  // verbatim to the end of the line and run by the shell.
  for (const auto& [key, value] : options) {
    out << "  " << key << " " << (key == "ProxyCommand" ? value : "\"" + value + "\"") << "\n";
  }
  if (!out.flush()) throw std::runtime_error("cannot write the ssh config " + path);
}

std::string variable(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) session_failed(std::string(name) + " is not set");
  return value;
}

// "L:R" of SSHTC_SFTP_PUT / SSHTC_SFTP_GET: the two paths, which hold no colon.
std::pair<std::string, std::string> path_pair(const char* name) {
  std::string pair = variable(name);
  auto colon = pair.find(':');
  if (colon == std::string::npos) session_failed(std::string(name) + " is not FROM:TO: " + pair);
  return {pair.substr(0, colon), pair.substr(colon + 1)};
}

// The sftp scenario through OpenSSH's own sftp, which runs ssh with the same config: a batch
// of the put and the get. sftp -b stops at the first command that fails, and exits 1.
int run_sftp(const Contract& c, const std::string& config, const std::filesystem::path& dir) {
  auto [local, remote] = path_pair("SSHTC_SFTP_PUT");
  auto [remote_again, downloaded] = path_pair("SSHTC_SFTP_GET");
  std::string batch = (dir / "sftp.batch").string();
  std::ofstream out(batch);
  out << "put " << local << " " << remote << "\nget " << remote_again << " " << downloaded << "\n";
  if (!out.flush()) throw std::runtime_error("cannot write the sftp batch " + batch);
  std::string sftp = ssh_binary().substr(0, ssh_binary().rfind('/') + 1) + "sftp";
  if (::access(sftp.c_str(), X_OK) != 0) cannot_do(sftp + " is not installed: apt-get install openssh-client");
  int status = run_client({sftp, "-F", config, "-q", "-b", batch, c.host});
  if (status != 0) session_failed("sftp -b exited " + std::to_string(status) + " (its stderr above)");
  return 0;
}

// ssh -W: the adapter's stdin and stdout are the forwarded stream; a path is a
// direct-streamlocal@openssh.com channel, host:port a direct-tcpip one.
std::string forward_target() {
  const char* path = std::getenv("SSHTC_FORWARD_PATH");
  if (path && *path) {
    // Measured with 9.2p1: `-W /path` is taken without a word and opens no channel at all;
    // the session sits idle until it is killed.
    cannot_do("ssh -W forwards to host:port only; OpenSSH has no stdio forwarding to a unix path");
  }
  return variable("SSHTC_FORWARD_HOST") + ":" + variable("SSHTC_FORWARD_PORT");
}

}  // namespace

int main(int argc, char** argv) {
  bool unix_via_nc = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("%s\n", version_line().c_str());
      return 0;
    }
    if (std::strcmp(argv[i], "--unix-via-nc") == 0) {
      unix_via_nc = true;
    } else {
      session_failed(std::string("usage: sshtc-adapter-openssh [--unix-via-nc] [--version]; not ") + argv[i]);
    }
  }
  Contract c = Contract::from_environment();
  c.check_scenario({"exec", "stdin", "sftp", "forward"});
  // A variant ssh cannot do is refused before anything is dialled.
  const std::string target = c.scenario == "forward" ? forward_target() : "";
  if (::access(ssh_binary().c_str(), X_OK) != 0) {
    cannot_do(ssh_binary() + " is not installed: apt-get install openssh-client");
  }
  if (unix_via_nc) {
    if (c.unix_path.empty()) {
      cannot_do("openssh-nc dials a unix socket's path with nc -U; transport " + c.transport +
                " has no path");
    }
    if (::access(kNetcat, X_OK) != 0) cannot_do("nc is not installed: apt-get install netcat-openbsd");
    if (!something_listens_on(c.unix_path)) {
      cannot_do("nothing listens on " + c.unix_path + " for nc -U to dial: the transport handed "
                "over its one connected descriptor and stopped listening");
    }
  }

  try {
    Options options = common_options(c);
    std::unique_ptr<FdOffer> offer;
    if (unix_via_nc) {
      // The harness's descriptor is not used: nc makes its own connection.
      ::close(c.fd_in);
      options.push_back({"ProxyCommand", std::string(kNetcat) + " -U " + shell_word(c.unix_path)});
    } else if (c.fd_in >= 0) {
      bool one_socket = c.fd_in == c.fd_out;
      offer = std::make_unique<FdOffer>(c.fd_in, c.fd_out, kOfferDeadline);
      options.push_back({"ProxyCommand", offer->relay_command(one_socket ? FdOffer::RelayMode::kPass
                                                                         : FdOffer::RelayMode::kPump)});
      if (one_socket) options.push_back({"ProxyUseFdpass", "yes"});
    }
    sshtc::ScratchDir dir("sshtc-openssh");
    std::string config = (dir.path() / "ssh_config").string();
    write_config(config, options);
    // -T: an exec session, no pty. The host on the command line is what ssh dials on tcp;
    // behind a ProxyCommand it is only a name.
    // In the stdin scenario ssh passes its stdin on and sends EOF at its end, as it does for a user.
    int status = c.scenario == "sftp"      ? run_sftp(c, config, dir.path())
                 : c.scenario == "forward" ? run_client({ssh_binary(), "-F", config, "-W", target, "--", c.host}, "", true)
                                           : run_client({ssh_binary(), "-F", config, "-T", "--", c.host, c.command}, "",
                                                        c.scenario == "stdin");
    if (offer) {
      std::string unsent = offer->finish();
      if (!unsent.empty() && status != 0) std::fprintf(stderr, "fd offer: %s\n", unsent.c_str());
    }
    return status;
  } catch (const std::exception& error) {
    session_failed(std::string("openssh adapter: ") + error.what());
  }
}
