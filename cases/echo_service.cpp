#include "echo_service.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace fs = std::filesystem;

namespace sshtc {

std::unique_ptr<EchoService> EchoService::on_loopback_tcp() {
  UniqueFd listener(check_sys(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "echo service socket"));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  check_sys(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), length), "echo service bind");
  check_sys(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length), "echo service getsockname");
  check_sys(::listen(listener.get(), 8), "echo service listen");
  return std::unique_ptr<EchoService>(new EchoService(std::move(listener), ntohs(address.sin_port), {}, nullptr));
}

std::unique_ptr<EchoService> EchoService::on_unix_socket() {
  auto dir = std::make_unique<ScratchDir>("sshtc-echo");
  fs::path path = dir->path() / "echo.sock";
  UniqueFd listener(check_sys(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "echo service socket"));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.string().size() >= sizeof address.sun_path) {
    throw std::runtime_error("the echo service's path is too long for AF_UNIX: " + path.string());
  }
  std::strcpy(address.sun_path, path.c_str());
  check_sys(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), "echo service bind");
  check_sys(::listen(listener.get(), 8), "echo service listen");
  return std::unique_ptr<EchoService>(new EchoService(std::move(listener), 0, path, std::move(dir)));
}

EchoService::EchoService(UniqueFd listener, int port, fs::path path, std::unique_ptr<ScratchDir> dir)
    : listener_(std::move(listener)), port_(port), path_(std::move(path)), dir_(std::move(dir)) {
  int ends[2];
  check_sys(::pipe2(ends, O_CLOEXEC), "echo service pipe");
  stop_read_.reset(ends[0]);
  stop_write_.reset(ends[1]);
  thread_ = std::thread([this] { serve(); });
}

EchoService::~EchoService() {
  stop_write_.reset();  // EOF on stop_read_: the thread ends what it serves and returns
  if (thread_.joinable()) thread_.join();
}

std::string EchoService::address() const {
  return path_.empty() ? "127.0.0.1:" + std::to_string(port_) : path_.string();
}

// One connection at a time, which is all a session's channel needs.
void EchoService::serve() {
  for (;;) {
    pollfd ready[2] = {{listener_.get(), POLLIN, 0}, {stop_read_.get(), POLLIN, 0}};
    if (::poll(ready, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (ready[1].revents) return;
    int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    echo(fd);
    ::close(fd);
  }
}

void EchoService::echo(int fd) {
  char buffer[65536];
  for (;;) {
    pollfd ready[2] = {{fd, POLLIN, 0}, {stop_read_.get(), POLLIN, 0}};
    if (::poll(ready, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (ready[1].revents) return;
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      ::shutdown(fd, SHUT_WR);  // the end of the stream goes back too
      return;
    }
    // A peer that stops reading stalls the echo, as it would a real service; the stop still
    // gets through.
    for (ssize_t sent = 0; sent < got;) {
      pollfd writable[2] = {{fd, POLLOUT, 0}, {stop_read_.get(), POLLIN, 0}};
      if (::poll(writable, 2, -1) < 0 && errno != EINTR) return;
      if (writable[1].revents) return;
      ssize_t n = ::send(fd, buffer + sent, static_cast<size_t>(got - sent), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return;
      sent += n;
      echoed_ += static_cast<uint64_t>(n);
    }
  }
}

}  // namespace sshtc
