// sshtc-fd-relay PATH --pass|--pump: the proxy command end of an FdOffer (fd_offer.hpp).
// It fetches the transport's descriptors from the offer's socket at PATH, then
//   --pass  hands the one socket on to ssh through stdout with SCM_RIGHTS, as ssh's
//           ProxyUseFdpass=yes expects, and exits: ssh then talks on the socket itself;
//   --pump  copies stdin to the transport and the transport to stdout until EOF both ways,
//           for clients that can only talk to a proxy over pipes (dbclient -J, a pipe
//           transport under ProxyCommand).
// It runs under the suite's audit like the client that started it, so it makes no socket
// call on anything that may be a pipe.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "fd_passing.hpp"

using namespace sshtc::proxy;

namespace {

std::vector<int> fetch_fds(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) throw std::runtime_error("path too long: " + path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int offer = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (offer < 0 || ::connect(offer, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::system_error(errno, std::generic_category(), "connect " + path);
  }
  std::vector<int> fds = receive_fds(offer);
  ::close(offer);
  return fds;
}

bool is_socket(int fd) {
  struct stat info;
  return ::fstat(fd, &info) == 0 && S_ISSOCK(info.st_mode);
}

void pass(const std::vector<int>& fds) {
  if (fds.size() != 1 || !is_socket(fds.front())) {
    throw std::runtime_error("--pass needs one socket; this transport has separate read and "
                             "write descriptors (use --pump)");
  }
  send_fds(STDOUT_FILENO, fds);
}

// One direction of the pump. EOF is passed on the only way each kind of stream allows: a
// socket is half-closed (its other direction may still be running), a pipe is closed.
struct Flow {
  int from;
  int to;
  bool open = true;

  void end() {
    open = false;
    if (is_socket(to)) {
      ::shutdown(to, SHUT_WR);
    } else {
      ::close(to);
    }
  }

  void move_some() {
    char buffer[64 * 1024];
    ssize_t n = ::read(from, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    for (ssize_t done = 0; n > 0 && done < n;) {
      ssize_t written = ::write(to, buffer + done, static_cast<size_t>(n - done));
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) return end();  // the reader went away
      done += written;
    }
    if (n <= 0) end();
  }
};

void pump(const std::vector<int>& fds) {
  // A reader that went away shows up as EPIPE from write(), not as a fatal signal.
  ::signal(SIGPIPE, SIG_IGN);
  Flow flows[2] = {{STDIN_FILENO, fds.back()}, {fds.front(), STDOUT_FILENO}};
  while (flows[0].open || flows[1].open) {
    pollfd watch[2];
    for (int i = 0; i < 2; ++i) watch[i] = {flows[i].open ? flows[i].from : -1, POLLIN, 0};
    if (::poll(watch, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    for (int i = 0; i < 2; ++i) {
      if (flows[i].open && watch[i].revents) flows[i].move_some();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc == 3 ? argv[2] : "";
  if (mode != "--pass" && mode != "--pump") {
    std::fprintf(stderr, "usage: sshtc-fd-relay PATH --pass|--pump\n");
    return 2;
  }
  try {
    std::vector<int> fds = fetch_fds(argv[1]);
    if (mode == "--pass") {
      pass(fds);
    } else {
      pump(fds);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sshtc-fd-relay %s: %s\n", mode.c_str(), error.what());
    return 1;
  }
  return 0;
}
