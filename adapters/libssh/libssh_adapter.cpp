// libssh behind the contract (exec; stdin, of v2): the library dials tcp itself and takes every other socket
// through SSH_OPTIONS_FD. With --proxy-command it talks through SSH_OPTIONS_PROXYCOMMAND
// instead, the way users reach a jump host or a tunnel: `nc` on tcp, sshtc-fd-relay --pump
// (which fetches the transport from an FdOffer) on every other transport, pipes included.
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include <cstring>
#include <memory>
#include <string>

#include "../contract/contract.hpp"
#include "../proxy/fd_offer.hpp"
#include "../proxy/shell_word.hpp"

using namespace sshtc::adapter;
using sshtc::proxy::FdOffer;
using sshtc::proxy::shell_word;

namespace {

std::string version_line() {
  std::string full = ssh_version(0);  // "0.10.6/openssl/zlib"
  return "libssh " + full.substr(0, full.find('/'));
}

void set(ssh_session session, ssh_options_e option, const void* value, const char* name) {
  if (ssh_options_set(session, option, value) != SSH_OK) {
    session_failed(std::string("ssh_options_set(") + name + "): " + ssh_get_error(session));
  }
}

// Long enough for libssh to fork its proxy command; the harness's deadline ends a hang.
constexpr std::chrono::seconds kOfferDeadline{15};
constexpr const char* kNetcat = "/usr/bin/nc";

// The proxy command for this transport; `offer` holds the descriptors it fetches.
std::string proxy_command(const Contract& c, std::unique_ptr<FdOffer>& offer) {
  if (c.fd_in < 0) {
    if (::access(kNetcat, X_OK) != 0) cannot_do("nc is not installed: apt-get install netcat-openbsd");
    return std::string(kNetcat) + " " + shell_word(c.host) + " " + std::to_string(c.port);
  }
  try {
    offer = std::make_unique<FdOffer>(c.fd_in, c.fd_out, kOfferDeadline);
  } catch (const std::exception& error) {
    session_failed(std::string("fd offer: ") + error.what());
  }
  return offer->relay_command(FdOffer::RelayMode::kPump);
}

void configure(ssh_session session, const Contract& c, std::unique_ptr<FdOffer>* offer) {
  set(session, SSH_OPTIONS_HOST, c.host.c_str(), "SSH_OPTIONS_HOST");
  set(session, SSH_OPTIONS_PORT, &c.port, "SSH_OPTIONS_PORT");
  set(session, SSH_OPTIONS_USER, c.user.c_str(), "SSH_OPTIONS_USER");
  set(session, SSH_OPTIONS_KNOWNHOSTS, c.known_hosts.c_str(), "SSH_OPTIONS_KNOWNHOSTS");
  set(session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null", "SSH_OPTIONS_GLOBAL_KNOWNHOSTS");
  // Otherwise ssh_connect() reads ~/.ssh/config and /etc/ssh/ssh_config.
  bool process_config = false;
  set(session, SSH_OPTIONS_PROCESS_CONFIG, &process_config, "SSH_OPTIONS_PROCESS_CONFIG");
  // What an interactive application asks for; libssh applies it only to sockets it dials.
  int nodelay = 1;
  set(session, SSH_OPTIONS_NODELAY, &nodelay, "SSH_OPTIONS_NODELAY");
  if (offer) {
    std::string command = proxy_command(c, *offer);
    set(session, SSH_OPTIONS_PROXYCOMMAND, command.c_str(), "SSH_OPTIONS_PROXYCOMMAND");
  } else if (c.fd_in >= 0) {
    if (c.fd_in != c.fd_out) {
      cannot_do("libssh takes one descriptor for both directions (SSH_OPTIONS_FD); "
                "this transport has separate read and write descriptors");
    }
    socket_t fd = c.fd_in;
    set(session, SSH_OPTIONS_FD, &fd, "SSH_OPTIONS_FD");
  }
}

void authenticate(ssh_session session, const Contract& c) {
  if (ssh_connect(session) != SSH_OK) session_failed(std::string("ssh_connect: ") + ssh_get_error(session));
  enum ssh_known_hosts_e known = ssh_session_is_known_server(session);
  if (known != SSH_KNOWN_HOSTS_OK) {
    session_failed("host key of " + c.host + " not accepted (ssh_session_is_known_server = " +
                   std::to_string(known) + ") against " + c.known_hosts);
  }
  ssh_key key = nullptr;
  if (ssh_pki_import_privkey_file(c.identity.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
    session_failed("cannot read the identity " + c.identity);
  }
  int auth = ssh_userauth_publickey(session, nullptr, key);
  ssh_key_free(key);
  if (auth != SSH_AUTH_SUCCESS) {
    session_failed("public key authentication as " + c.user + " failed: " + ssh_get_error(session));
  }
}

// Scenario `stdin` (contract v2): the adapter's stdin goes to the remote command, then EOF;
// meanwhile the remote's output keeps coming back, so that neither direction's window stalls.
void pass_stdin(ssh_session session, ssh_channel channel) {
  char buffer[16384];
  for (;;) {
    pollfd input{STDIN_FILENO, POLLIN, 0};
    if (::poll(&input, 1, 10) > 0) {
      ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
      if (got < 0) session_failed(std::string("reading stdin: ") + std::strerror(errno));
      if (got == 0) break;
      if (ssh_channel_write(channel, buffer, static_cast<uint32_t>(got)) != got) {
        session_failed(std::string("ssh_channel_write: ") + ssh_get_error(session));
      }
    }
    int n = ssh_channel_read_timeout(channel, buffer, sizeof buffer, 0, 0);
    if (n < 0) session_failed(std::string("ssh_channel_read: ") + ssh_get_error(session));
    if (n > 0) write_stdout(buffer, static_cast<size_t>(n));
  }
  if (ssh_channel_send_eof(channel) != SSH_OK) session_failed(std::string("ssh_channel_send_eof: ") + ssh_get_error(session));
}

int exec(ssh_session session, const Contract& c) {
  ssh_channel channel = ssh_channel_new(session);
  if (!channel || ssh_channel_open_session(channel) != SSH_OK ||
      ssh_channel_request_exec(channel, c.command.c_str()) != SSH_OK) {
    session_failed(std::string("exec channel: ") + ssh_get_error(session));
  }
  if (c.scenario == "stdin") pass_stdin(session, channel);
  char buffer[16384];
  int n;
  while ((n = ssh_channel_read(channel, buffer, sizeof buffer, 0)) > 0) write_stdout(buffer, n);
  if (n < 0) session_failed(std::string("ssh_channel_read: ") + ssh_get_error(session));
  int status = ssh_channel_get_exit_status(channel);
  if (status < 0) session_failed("the server sent no exit status");
  ssh_channel_send_eof(channel);
  ssh_channel_close(channel);
  ssh_channel_free(channel);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  bool via_proxy = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--proxy-command") == 0) {
      via_proxy = true;
    } else if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("%s%s\n", version_line().c_str(), via_proxy ? " (ProxyCommand)" : "");
      return 0;
    } else {
      std::fprintf(stderr, "usage: %s [--proxy-command] [--version]\n", argv[0]);
      return kSessionFailed;
    }
  }
  Contract c = Contract::from_environment();
  c.check_scenario({"exec", "stdin"});
  ssh_init();
  ssh_session session = ssh_new();
  std::unique_ptr<FdOffer> offer;
  configure(session, c, via_proxy ? &offer : nullptr);
  authenticate(session, c);
  int status = exec(session, c);
  ssh_disconnect(session);
  ssh_free(session);
  ssh_finalize();
  return status;
}
