// libssh behind the contract (exec; stdin, sftp and forward, of v2): the library dials tcp
// itself and takes every other socket through SSH_OPTIONS_FD. With --proxy-command it talks through SSH_OPTIONS_PROXYCOMMAND
// instead, the way users reach a jump host or a tunnel: `nc` on tcp, sshtc-fd-relay --pump
// (which fetches the transport from an FdOffer) on every other transport, pipes included.
#include <fcntl.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

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

std::string error_of(ssh_session session) { return ssh_get_error(session); }

// Passes on what the channel holds of the remote's stdout and stderr, each to its own stream,
// without waiting for more.
void drain(ssh_session session, ssh_channel channel) {
  char buffer[16384];
  for (int is_stderr : {0, 1}) {
    int n;
    while ((n = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer, is_stderr)) > 0) {
      (is_stderr ? write_stderr : write_stdout)(buffer, static_cast<size_t>(n));
    }
    if (n == SSH_ERROR) session_failed("ssh_channel_read_nonblocking: " + error_of(session));
  }
}

// What the channel has told of the remote, from the channel callbacks: libssh keeps no public
// flag of an exit-status's arrival, and the callbacks see each packet as it is processed.
struct RemoteState {
  bool eof = false;
  bool exited = false;  // exit-status
  bool closed = false;
  // Contract v2, stdin: the remote command's end stops the sending.
  bool command_ended() const { return exited || closed; }
};

RemoteState& state_of(void* userdata) { return *static_cast<RemoteState*>(userdata); }

// The remote's output goes out as it is processed, whichever libssh call processes it. Reading
// it from the channel's buffers instead races: ssh_channel_poll() of one stream reads the
// socket and may leave data in the other's buffer, unseen until the next packet, which may
// never come.
int on_data(ssh_session, ssh_channel, void* data, uint32_t length, int is_stderr, void*) {
  (is_stderr ? write_stderr : write_stdout)(static_cast<const char*>(data), length);
  return static_cast<int>(length);
}
void on_eof(ssh_session, ssh_channel, void* userdata) { state_of(userdata).eof = true; }
void on_exit_status(ssh_session, ssh_channel, int, void* userdata) { state_of(userdata).exited = true; }
// A close is an EOF too (libssh sets remote_eof on either).
void on_close(ssh_session, ssh_channel, void* userdata) { state_of(userdata).eof = state_of(userdata).closed = true; }

// SSH_TIMEOUT_INFINITE of libssh's private session.h; the harness's deadline ends a hang.
constexpr int kWaitForever = -1;

// When the relay is over: the remote command's end (exec, stdin), or the channel's EOF (forward,
// whose far end is a socket that has no exit status).
enum class Until { kCommandEnds, kChannelEof };

// Both directions at once (contract v2): `input` into the channel, then its EOF, while the
// channel's stdout and stderr keep coming back. A blocking ssh_channel_write waits for the remote
// window without growing ours (libssh 0.10 grows it only as data leaves its buffers), so under a
// remote `cat` both would stall; the adapter writes no more than the remote window holds, and
// waits in poll() on stdin and the session's socket, then has libssh process what came through
// an ssh_event holding the session (ssh_channel_poll stops reading the socket after the remote's
// EOF, when window adjustments, the exit-status and the close are still to come).
class Relay {
 public:
  // Before the exec request, so that the callbacks see everything of the command's.
  Relay(ssh_session session, ssh_channel channel) : session_(session), channel_(channel) {
    callbacks_.userdata = &remote_;
    callbacks_.channel_data_function = on_data;
    callbacks_.channel_eof_function = on_eof;
    callbacks_.channel_exit_status_function = on_exit_status;
    callbacks_.channel_close_function = on_close;
    ssh_callbacks_init(&callbacks_);
    if (ssh_set_channel_callbacks(channel, &callbacks_) != SSH_OK) session_failed("ssh_set_channel_callbacks: " + error_of(session));
    event_ = ssh_event_new();
    if (!event_ || ssh_event_add_session(event_, session) != SSH_OK) session_failed("ssh_event_add_session: " + error_of(session));
  }
  ~Relay() {
    ssh_event_remove_session(event_, session_);
    ssh_event_free(event_);
    ssh_remove_channel_callbacks(channel_, &callbacks_);
  }
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  void run(int input_fd, Until until);

 private:
  ssh_session session_;
  ssh_channel channel_;
  RemoteState remote_;
  ssh_channel_callbacks_struct callbacks_{};
  ssh_event event_ = nullptr;
};

void Relay::run(int input_fd, Until until) {
  // Whatever came before the callbacks were set (a forward channel's first bytes) is buffered.
  drain(session_, channel_);
  remote_.eof = remote_.eof || ssh_channel_is_eof(channel_);
  remote_.closed = remote_.closed || ssh_channel_is_closed(channel_);

  PendingInput input(input_fd);
  bool eof_sent = false;
  for (;;) {
    // Processing grows our window with a WINDOW_ADJUST that ssh_packet_send leaves in libssh's
    // buffer when the socket is full (it never waits); a poll() for POLLIN alone would then
    // wait for a remote that waits for it.
    if (ssh_blocking_flush(session_, kWaitForever) == SSH_ERROR) session_failed("ssh_blocking_flush: " + error_of(session_));
    if (remote_.eof && (until == Until::kChannelEof || eof_sent || remote_.command_ended())) return;
    // Once the remote command has ended nothing more is sent, not even EOF: its stdin may never
    // end (/dev/zero).
    if (!remote_.command_ended()) {
      const uint32_t room = ssh_channel_window_size(channel_);
      if (input.size() > 0 && room > 0) {
        const uint32_t length = static_cast<uint32_t>(std::min<size_t>(input.size(), room));
        int sent = ssh_channel_write(channel_, input.data(), length);
        if (sent < 0) session_failed("ssh_channel_write: " + error_of(session_));
        input.consume(static_cast<size_t>(sent));
        continue;
      }
      if (input.ended() && !eof_sent) {
        if (ssh_channel_send_eof(channel_) != SSH_OK) session_failed("ssh_channel_send_eof: " + error_of(session_));
        eof_sent = true;
        continue;
      }
    }
    std::vector<pollfd> fds{{ssh_get_fd(session_), POLLIN, 0}};
    if (!remote_.command_ended() && input.wanted_fd() >= 0) fds.push_back({input.wanted_fd(), POLLIN, 0});
    wait_for(fds, -1);
    if (fds[0].revents != 0 && ssh_event_dopoll(event_, 0) == SSH_ERROR) {
      session_failed("ssh_event_dopoll: " + error_of(session_));
    }
    if (fds.size() > 1 && fds[1].revents != 0) input.fill();
  }
}

void close_channel(ssh_channel channel) {
  ssh_channel_close(channel);
  ssh_channel_free(channel);
}

// exec (stdin closed at once, like `ssh -n`) and stdin (the adapter's own stdin): the remote
// command's stdout and stderr, and its exit status as the adapter's.
int run_command(ssh_session session, const Contract& c) {
  ssh_channel channel = ssh_channel_new(session);
  if (!channel || ssh_channel_open_session(channel) != SSH_OK) session_failed("exec channel: " + error_of(session));
  {
    Relay relay(session, channel);
    if (ssh_channel_request_exec(channel, c.command.c_str()) != SSH_OK) session_failed("exec: " + error_of(session));
    relay.run(c.scenario == "stdin" ? STDIN_FILENO : -1, Until::kCommandEnds);
  }
  int status = ssh_channel_get_exit_status(channel);
  if (status < 0) session_failed("the server sent no exit status");
  close_channel(channel);
  return status;
}

// forward (contract v2): stdio over a direct-tcpip or direct-streamlocal@openssh.com channel,
// as `ssh -W` does.
int forward(ssh_session session, const Contract& c) {
  // libssh 0.10 opens direct-streamlocal@openssh.com channels only to a server whose banner
  // says OpenSSH (channels.c ssh_channel_open_forward_unix): a variant the library cannot open
  // to this server, known only now that the banner is in.
  if (c.forward.is_unix() && ssh_get_openssh_version(session) == 0) {
    const char* banner = ssh_get_serverbanner(session);
    cannot_do(std::string("libssh opens direct-streamlocal@openssh.com channels to OpenSSH servers only "
                          "(ssh_channel_open_forward_unix); the server's banner is ") + (banner ? banner : "unknown"));
  }
  ssh_channel channel = ssh_channel_new(session);
  if (!channel) session_failed("ssh_channel_new: " + error_of(session));
  // The originator address is informational (RFC 4254 7.2); `ssh -W` sends the same.
  const int opened = c.forward.is_unix()
                         ? ssh_channel_open_forward_unix(channel, c.forward.path.c_str(), "127.0.0.1", 0)
                         : ssh_channel_open_forward(channel, c.forward.host.c_str(), c.forward.port, "127.0.0.1", 0);
  if (opened != SSH_OK) session_failed("forward channel to " + c.forward.describe() + ": " + error_of(session));
  Relay(session, channel).run(STDIN_FILENO, Until::kChannelEof);
  close_channel(channel);
  return 0;
}

// The reason of a failed sftp call: libssh's SFTP status and its session error.
[[noreturn]] void sftp_failed(sftp_session sftp, ssh_session session, const std::string& what) {
  session_failed(what + ": " + sftp_status_name(static_cast<unsigned long>(sftp_get_error(sftp))) + ": " +
                 error_of(session));
}

sftp_file open_remote(sftp_session sftp, ssh_session session, const std::string& path, int flags, const char* purpose) {
  sftp_file file = sftp_open(sftp, path.c_str(), flags, 0600);
  if (!file) sftp_failed(sftp, session, std::string("sftp_open(") + path + ") for " + purpose);
  return file;
}

// sftp (contract v2): upload, then download, over the sftp subsystem.
int transfer_files(ssh_session session, const Contract& c) {
  sftp_session sftp = sftp_new(session);
  if (!sftp) session_failed("sftp_new: " + error_of(session));
  if (sftp_init(sftp) != SSH_OK) sftp_failed(sftp, session, "sftp_init");
  // libssh 0.10's sftp_write sends one request per call and waits for its status. 32 KiB of data
  // keeps each request within the 34000 bytes every server must take (draft-ietf-secsh-filexfer-02
  // section 3).
  char buffer[32768];

  const SftpPlan& plan = c.sftp;
  int local = open_local(plan.put_local, O_RDONLY);
  sftp_file remote = open_remote(sftp, session, plan.put_remote, O_WRONLY | O_CREAT | O_TRUNC, "writing");
  while (size_t got = read_local(local, buffer, sizeof buffer, plan.put_local)) {
    if (sftp_write(remote, buffer, got) != static_cast<ssize_t>(got)) {
      sftp_failed(sftp, session, "sftp_write(" + plan.put_remote + ")");
    }
  }
  close_local(local, plan.put_local);
  // The server may report a failed write (a full disk) only at the close.
  if (sftp_close(remote) != SSH_NO_ERROR) sftp_failed(sftp, session, "sftp_close(" + plan.put_remote + ")");

  remote = open_remote(sftp, session, plan.get_remote, O_RDONLY, "reading");
  if (!download_to_local(plan.get_local, [&](char* into, size_t size) { return sftp_read(remote, into, size); })) {
    sftp_failed(sftp, session, "sftp_read(" + plan.get_remote + ")");
  }
  sftp_close(remote);
  sftp_free(sftp);
  return 0;
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
  c.check_scenario({"exec", "stdin", "sftp", "forward"});
  ssh_init();
  ssh_session session = ssh_new();
  std::unique_ptr<FdOffer> offer;
  configure(session, c, via_proxy ? &offer : nullptr);
  authenticate(session, c);
  int status = c.scenario == "sftp"      ? transfer_files(session, c)
               : c.scenario == "forward" ? forward(session, c)
                                         : run_command(session, c);
  ssh_disconnect(session);
  ssh_free(session);
  ssh_finalize();
  return status;
}
