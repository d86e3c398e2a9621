// libssh2 behind contract v1. libssh2 has no connect of its own: on tcp the adapter dials, as
// every libssh2 program does, and libssh2_session_handshake() takes that one socket, or the
// harness's descriptor on the other transports.
//
// `--rw-callbacks` (row libssh2-rw) replaces libssh2's send()/recv() with read(FD_IN) and
// write(FD_OUT) callbacks: the only way libssh2 1.10 can run over two pipes.
#include <libssh2.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

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

int exec(LIBSSH2_SESSION* session, const Contract& c) {
  LIBSSH2_CHANNEL* channel = libssh2_channel_open_session(session);
  if (!channel) session_failed("channel open: " + last_error(session));
  // The contract carries stdout only; unread stderr would otherwise fill the channel window.
  libssh2_channel_handle_extended_data2(channel, LIBSSH2_CHANNEL_EXTENDED_DATA_IGNORE);
  if (libssh2_channel_exec(channel, c.command.c_str()) != 0) {
    session_failed("exec: " + last_error(session));
  }
  if (c.scenario == "stdin") {
    // Contract v2: our stdin to the remote command, then EOF. All of it is written before any
    // output is read: enough for a command that answers after EOF, as the stdin cases' does;
    // one that talks while it reads will need the two directions interleaved.
    char input[16384];
    ssize_t got;
    while ((got = ::read(STDIN_FILENO, input, sizeof input)) > 0 || (got < 0 && errno == EINTR)) {
      for (ssize_t sent = 0; got > 0 && sent < got;) {
        ssize_t n = libssh2_channel_write(channel, input + sent, static_cast<size_t>(got - sent));
        if (n < 0) session_failed("libssh2_channel_write: " + last_error(session));
        sent += n;
      }
    }
    if (got < 0) session_failed(std::string("reading stdin: ") + std::strerror(errno));
  }
  // EOF on the remote stdin: at once in exec, like `ssh -n`, so that a command that reads stdin
  // cannot hang; after our stdin in the stdin scenario.
  libssh2_channel_send_eof(channel);
  char buffer[16384];
  ssize_t n;
  while ((n = libssh2_channel_read(channel, buffer, sizeof buffer)) > 0) write_stdout(buffer, n);
  if (n < 0) session_failed("libssh2_channel_read: " + last_error(session));
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
  c.check_scenario({"exec", "stdin"});
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
  int status = exec(session, c);
  libssh2_session_disconnect(session, "done");
  libssh2_session_free(session);
  libssh2_exit();
  return status;
}
