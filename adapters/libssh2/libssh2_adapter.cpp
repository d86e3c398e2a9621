// libssh2 behind the contract (exec; stdin, sftp and forward, of v2). libssh2 has no connect of its own: on tcp the adapter dials, as
// every libssh2 program does, and libssh2_session_handshake() takes that one socket, or the
// harness's descriptor on the other transports.
//
// `--rw-callbacks` (row libssh2-rw) replaces libssh2's send()/recv() with read(FD_IN) and
// write(FD_OUT) callbacks: the only way libssh2 1.10 can run over two pipes.
#include <fcntl.h>
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../contract/contract.hpp"
#include "../contract/dial.hpp"

using namespace sshtc::adapter;

namespace {

// The two directions of the byte stream, reached by the callbacks through the session's abstract.
struct Stream {
  int in;
  int out;
};

std::string last_error(LIBSSH2_SESSION* session) {
  char* message = nullptr;
  libssh2_session_last_error(session, &message, nullptr, 0);
  return message ? message : "no error message";
}

// The callbacks answer as libssh2's own send()/recv() wrappers do: a byte count, or -errno
// (-EAGAIN tells libssh2 to poll the session's descriptor and call again).
ssize_t read_in(libssh2_socket_t, void* buffer, size_t length, int, void** abstract) {
  ssize_t n = read(static_cast<Stream*>(*abstract)->in, buffer, length);
  return n < 0 ? -errno : n;
}

ssize_t write_out(libssh2_socket_t, const void* buffer, size_t length, int, void** abstract) {
  ssize_t n = write(static_cast<Stream*>(*abstract)->out, buffer, length);
  return n < 0 ? -errno : n;
}

void use_rw_callbacks(LIBSSH2_SESSION* session) {
  // libssh2's own send() passes MSG_NOSIGNAL. write() on a pipe has no such flag: a server that
  // has already gone would kill the adapter with SIGPIPE instead of failing the session (EPIPE).
  ::signal(SIGPIPE, SIG_IGN);
  libssh2_session_callback_set(session, LIBSSH2_CALLBACK_RECV, reinterpret_cast<void*>(read_in));
  libssh2_session_callback_set(session, LIBSSH2_CALLBACK_SEND, reinterpret_cast<void*>(write_out));
}

int knownhost_key_type(int hostkey_type) {
  switch (hostkey_type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519;
    default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;  // never matches, so the check fails
  }
}

// libssh2 1.10 compares names literally (knownhost.c knownhost_check): it tries "[host]:port",
// then the bare "host", and has no wildcard patterns. On tcp the harness's "[127.0.0.1]:*" never
// matches; the key is checked against the bare "127.0.0.1" entry, which OpenSSH would ignore for
// a port other than 22.
void check_host_key(LIBSSH2_SESSION* session, const Contract& c) {
  size_t length = 0;
  int type = 0;
  const char* key = libssh2_session_hostkey(session, &length, &type);
  if (!key) session_failed("the server sent no host key: " + last_error(session));
  LIBSSH2_KNOWNHOSTS* hosts = libssh2_knownhost_init(session);
  if (!hosts || libssh2_knownhost_readfile(hosts, c.known_hosts.c_str(),
                                           LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0) {
    session_failed("cannot read " + c.known_hosts + ": " + last_error(session));
  }
  int check = libssh2_knownhost_checkp(
      hosts, c.host.c_str(), c.port, key, length,
      LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | knownhost_key_type(type),
      nullptr);
  libssh2_knownhost_free(hosts);
  if (check != LIBSSH2_KNOWNHOST_CHECK_MATCH) {
    const char* verdict = check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH   ? "MISMATCH"
                          : check == LIBSSH2_KNOWNHOST_CHECK_NOTFOUND ? "NOTFOUND"
                                                                      : "FAILURE";
    session_failed("host key of " + c.host + " port " + std::to_string(c.port) +
                   " not accepted (libssh2_knownhost_checkp: " + verdict + ") against " +
                   c.known_hosts);
  }
}

void authenticate(LIBSSH2_SESSION* session, const Contract& c) {
  const std::string public_key = c.identity + ".pub";
  if (libssh2_userauth_publickey_fromfile(session, c.user.c_str(), public_key.c_str(),
                                          c.identity.c_str(), nullptr) != 0) {
    session_failed("public key authentication as " + c.user + " failed: " + last_error(session));
  }
}

// libssh2 1.10 sends a packet it could send only in part before any other: another call that
// sends (a channel write, the window adjustment inside a read) fails with LIBSSH2_ERROR_BAD_USE
// (transport.c, send_existing). So a non-blocking call that returned EAGAIN because the stream
// was full for writing is called again, and nothing else, once it can write.
template <typename Call>
ssize_t until_sent(LIBSSH2_SESSION* session, const Stream& stream, Call call) {
  for (;;) {
    ssize_t rc = call();
    if (rc != LIBSSH2_ERROR_EAGAIN || !(libssh2_session_block_directions(session) & LIBSSH2_SESSION_BLOCK_OUTBOUND)) {
      return rc;
    }
    std::vector<pollfd> fds{{stream.out, POLLOUT, 0}};
    wait_for(fds, -1);
  }
}

// While until_sent waits to finish a packet, nothing is read. A server that stops reading while
// it holds much output for us (sshd reads its client only while less than 128 KiB waits to go
// out: serverloop.c, ssh_packet_not_very_much_data_to_write) would then wait for us as we wait
// for it, in a forward or an echo under load. A receive window of 64 KiB keeps what the server
// may hold for us below that, so it goes on reading and our packet goes out.
constexpr unsigned kReceiveWindow = 64 * 1024;

// A channel of `type` with that window; `message` is the type's own part of the open request.
LIBSSH2_CHANNEL* open_channel(LIBSSH2_SESSION* session, const std::string& type, const std::string& message = "") {
  return libssh2_channel_open_ex(session, type.c_str(), static_cast<unsigned>(type.size()), kReceiveWindow,
                                 LIBSSH2_CHANNEL_PACKET_DEFAULT, message.empty() ? nullptr : message.data(),
                                 static_cast<unsigned>(message.size()));
}

// RFC 4254's string and uint32, for the direct-tcpip request (7.2).
void put_uint32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}
void put_string(std::string& out, const std::string& text) {
  put_uint32(out, static_cast<uint32_t>(text.size()));
  out += text;
}

// The bytes of the channel's data (both streams) that libssh2 has read off the stream and holds.
unsigned long queued(LIBSSH2_CHANNEL* channel) {
  unsigned long bytes = 0;
  libssh2_channel_window_read_ex(channel, &bytes, nullptr);
  return bytes;
}

// Passes on what the channel holds of the remote's stdout and stderr, each to its own stream,
// without waiting, until libssh2 has read the socket dry and holds no data: then a poll() of the
// socket is a true wait. Returns whether anything came.
//
// A read that returns EAGAIN does not mean that nothing waits. Every libssh2_channel_read_ex of
// 1.10 first reads the stream until EAGAIN and queues every packet it finds, for either stream
// (channel.c, _libssh2_channel_read), and only then looks for its own. So the stderr read that
// ends a pass may queue stdout that no read of the pass will take. When that is the last of the
// receive window, the server sends nothing more until we adjust it, which we do only in a read:
// the socket never becomes readable again and the relay waits in poll() for ever (a remote `cat`
// under load, stalled with 64 KiB queued in libssh2). Hence another pass whenever a pass that read
// nothing ended with more queued than it began with. Data no read takes (an extended type other
// than stderr) stays queued but does not grow, so it cannot keep us going round.
bool drain(LIBSSH2_SESSION* session, const Stream& stream, LIBSSH2_CHANNEL* channel) {
  char buffer[16384];
  bool any = false;
  for (bool again = true; again;) {
    again = false;
    const unsigned long queued_before = queued(channel);
    for (int id : {0, SSH_EXTENDED_DATA_STDERR}) {
      ssize_t n;
      while ((n = until_sent(session, stream, [&] { return libssh2_channel_read_ex(channel, id, buffer, sizeof buffer); })) > 0) {
        (id == 0 ? write_stdout : write_stderr)(buffer, static_cast<size_t>(n));
        any = again = true;
      }
      if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) session_failed("libssh2_channel_read: " + last_error(session));
    }
    if (!again) again = queued(channel) > queued_before;
  }
  return any;
}

// When the relay is over: the remote command's end (exec, stdin), or the channel's EOF (forward,
// whose far end is a socket that has no exit status).
enum class Until { kCommandEnds, kChannelEof };

// Both directions at once (contract v2): `input` into the channel, then its EOF, while the
// channel's stdout and stderr keep coming back, in one non-blocking loop that waits in poll() on
// stdin and the session's stream; writing all of stdin first stalls both windows under a remote
// `cat`. The remote command's end stops the sending: libssh2 1.10 keeps no public sign of an
// exit-status's arrival, so it is the channel's close, which libssh2_channel_wait_closed reports
// without blocking once the remote's EOF is in (sshd and dropbear send EOF, exit-status, close).
void relay(LIBSSH2_SESSION* session, const Stream& stream, LIBSSH2_CHANNEL* channel, int input_fd, Until until) {
  libssh2_session_set_blocking(session, 0);
  PendingInput input(input_fd);
  bool eof_sent = false;
  bool remote_closed = false;
  for (;;) {
    bool progressed = false;
    if (!remote_closed && input.size() > 0) {
      ssize_t n = until_sent(session, stream, [&] { return libssh2_channel_write(channel, input.data(), input.size()); });
      if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) session_failed("libssh2_channel_write: " + last_error(session));
      if (n > 0) input.consume(static_cast<size_t>(n));
      progressed = n > 0;
    } else if (!remote_closed && input.ended() && !eof_sent) {
      ssize_t rc = until_sent(session, stream, [&] { return libssh2_channel_send_eof(channel); });
      if (rc < 0 && rc != LIBSSH2_ERROR_EAGAIN) session_failed("libssh2_channel_send_eof: " + last_error(session));
      progressed = eof_sent = rc == 0;
    }
    if (drain(session, stream, channel)) progressed = true;
    if (libssh2_channel_eof(channel)) {
      if (until == Until::kChannelEof || eof_sent || remote_closed) break;
      ssize_t rc = until_sent(session, stream, [&] { return libssh2_channel_wait_closed(channel); });
      if (rc < 0 && rc != LIBSSH2_ERROR_EAGAIN) session_failed("libssh2_channel_wait_closed: " + last_error(session));
      // Once the remote command has ended nothing more is sent, not even EOF: its stdin may
      // never end (/dev/zero).
      if (rc == 0) remote_closed = progressed = true;
    }
    // A window adjustment read while draining lets the pending input go at once.
    if (progressed || (!remote_closed && input.size() > 0 && libssh2_channel_window_write(channel) > 0)) continue;
    std::vector<pollfd> fds{{stream.in, POLLIN, 0}};
    if (!remote_closed && input.wanted_fd() >= 0) fds.push_back({input.wanted_fd(), POLLIN, 0});
    wait_for(fds, -1);
    if (fds.size() > 1 && fds[1].revents != 0) input.fill();
  }
  libssh2_session_set_blocking(session, 1);
}

// exec (stdin closed at once, like `ssh -n`) and stdin (the adapter's own stdin): the remote
// command's stdout and stderr, and its exit status as the adapter's.
int run_command(LIBSSH2_SESSION* session, const Stream& stream, const Contract& c) {
  LIBSSH2_CHANNEL* channel = open_channel(session, "session");
  if (!channel) session_failed("channel open: " + last_error(session));
  if (libssh2_channel_exec(channel, c.command.c_str()) != 0) {
    session_failed("exec: " + last_error(session));
  }
  relay(session, stream, channel, c.scenario == "stdin" ? STDIN_FILENO : -1, Until::kCommandEnds);
  // The exit-status request arrives before the server's close; waiting for the close makes sure
  // it has been read.
  if (libssh2_channel_close(channel) != 0 || libssh2_channel_wait_closed(channel) != 0) {
    session_failed("channel close: " + last_error(session));
  }
  char* signal = nullptr;
  libssh2_channel_get_exit_signal(channel, &signal, nullptr, nullptr, nullptr, nullptr, nullptr);
  if (signal) session_failed(std::string("remote command killed by signal ") + signal);
  int status = libssh2_channel_get_exit_status(channel);
  libssh2_channel_free(channel);
  return status;
}

// forward (contract v2): stdio over a direct-tcpip channel, as `ssh -W` does.
int forward(LIBSSH2_SESSION* session, const Stream& stream, const Contract& c) {
  // What libssh2_channel_direct_tcpip_ex sends, with our window. The originator address is
  // informational (RFC 4254 7.2).
  std::string request;
  put_string(request, c.forward.host);
  put_uint32(request, static_cast<uint32_t>(c.forward.port));
  put_string(request, "127.0.0.1");
  put_uint32(request, 0);
  LIBSSH2_CHANNEL* channel = open_channel(session, "direct-tcpip", request);
  if (!channel) session_failed("forward channel to " + c.forward.describe() + ": " + last_error(session));
  relay(session, stream, channel, STDIN_FILENO, Until::kChannelEof);
  libssh2_channel_close(channel);
  libssh2_channel_free(channel);
  return 0;
}

// The reason of a failed sftp call: the server's SFTP status when it sent one, and libssh2's error.
[[noreturn]] void sftp_failed(LIBSSH2_SESSION* session, LIBSSH2_SFTP* sftp, const std::string& what) {
  std::string status;
  if (libssh2_session_last_errno(session) == LIBSSH2_ERROR_SFTP_PROTOCOL) {
    status = sftp_status_name(libssh2_sftp_last_error(sftp)) + ": ";
  }
  session_failed(what + ": " + status + last_error(session));
}

LIBSSH2_SFTP_HANDLE* open_remote(LIBSSH2_SESSION* session, LIBSSH2_SFTP* sftp, const std::string& path,
                                 unsigned long flags, const char* purpose) {
  LIBSSH2_SFTP_HANDLE* file =
      libssh2_sftp_open(sftp, path.c_str(), flags, LIBSSH2_SFTP_S_IRUSR | LIBSSH2_SFTP_S_IWUSR);
  if (!file) sftp_failed(session, sftp, "libssh2_sftp_open(" + path + ") for " + purpose);
  return file;
}

// sftp (contract v2): upload, then download, over the sftp subsystem.
int transfer_files(LIBSSH2_SESSION* session, const Contract& c) {
  LIBSSH2_SFTP* sftp = libssh2_sftp_init(session);
  if (!sftp) session_failed("libssh2_sftp_init: " + last_error(session));
  char buffer[32768];

  const SftpPlan& plan = c.sftp;
  int local = open_local(plan.put_local, O_RDONLY);
  LIBSSH2_SFTP_HANDLE* remote =
      open_remote(session, sftp, plan.put_remote, LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC, "writing");
  while (size_t got = read_local(local, buffer, sizeof buffer, plan.put_local)) {
    // libssh2 1.10 pipelines the write requests and may take less than it was given.
    for (size_t sent = 0; sent < got;) {
      ssize_t n = libssh2_sftp_write(remote, buffer + sent, got - sent);
      if (n < 0) sftp_failed(session, sftp, "libssh2_sftp_write(" + plan.put_remote + ")");
      sent += static_cast<size_t>(n);
    }
  }
  close_local(local, plan.put_local);
  // The server may report a failed write (a full disk) only at the close.
  if (libssh2_sftp_close(remote) != 0) sftp_failed(session, sftp, "libssh2_sftp_close(" + plan.put_remote + ")");

  remote = open_remote(session, sftp, plan.get_remote, LIBSSH2_FXF_READ, "reading");
  if (!download_to_local(plan.get_local,
                         [&](char* into, size_t size) { return libssh2_sftp_read(remote, into, size); })) {
    sftp_failed(session, sftp, "libssh2_sftp_read(" + plan.get_remote + ")");
  }
  libssh2_sftp_close(remote);
  libssh2_sftp_shutdown(sftp);
  return 0;
}

bool has_flag(int argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], flag) == 0) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (has_flag(argc, argv, "--version")) {
    std::printf("libssh2 %s\n", libssh2_version(0));
    return 0;
  }
  const bool rw_callbacks = has_flag(argc, argv, "--rw-callbacks");
  Contract c = Contract::from_environment();
  c.check_scenario({"exec", "stdin", "sftp", "forward"});
  if (c.scenario == "forward" && c.forward.is_unix()) {
    cannot_do("libssh2 has no direct-streamlocal channels: libssh2 1.10 opens direct-tcpip only "
              "(libssh2_channel_direct_tcpip_ex), not direct-streamlocal@openssh.com to " + c.forward.describe());
  }
  if (c.fd_in != c.fd_out && !rw_callbacks) {
    cannot_do("libssh2 sends and receives on one socket (send()/recv() on the descriptor given to "
              "libssh2_session_handshake); this transport has separate read and write descriptors "
              "(row libssh2-rw runs it through LIBSSH2_CALLBACK_RECV/SEND)");
  }
  Stream stream{c.fd_in, c.fd_out};
  if (c.fd_in < 0) stream.in = stream.out = dial(c);

  if (libssh2_init(0) != 0) session_failed("libssh2_init failed");
  LIBSSH2_SESSION* session = libssh2_session_init_ex(nullptr, nullptr, nullptr, &stream);
  if (!session) session_failed("libssh2_session_init_ex failed");
  if (rw_callbacks) use_rw_callbacks(session);
  // libssh2 sets O_NONBLOCK on this descriptor and polls it for the direction it waits on. With
  // the callbacks that is FD_IN: FD_OUT stays blocking, so a write never asks for a poll.
  if (libssh2_session_handshake(session, stream.in) != 0) {
    session_failed("libssh2_session_handshake: " + last_error(session));
  }
  check_host_key(session, c);
  authenticate(session, c);
  int status = c.scenario == "sftp"      ? transfer_files(session, c)
               : c.scenario == "forward" ? forward(session, stream, c)
                                         : run_command(session, stream, c);
  libssh2_session_disconnect(session, "done");
  libssh2_session_free(session);
  libssh2_exit();
  return status;
}
