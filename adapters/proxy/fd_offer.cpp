#include "fd_offer.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "fd_passing.hpp"
#include "shell_word.hpp"

namespace sshtc::proxy {
namespace {

int check(int result, const std::string& what) {
  if (result < 0) throw std::system_error(errno, std::generic_category(), what);
  return result;
}

}  // namespace

FdOffer::FdOffer(int in, int out, std::chrono::milliseconds deadline)
    : dir_("sshtc-offer"), path_((dir_.path() / "fds.sock").string()),
      fds_(in == out ? std::vector<int>{in} : std::vector<int>{in, out}) {
  // The client we spawn must not hold the transport too: a pipe's reader would never see the
  // EOF the relay passes on by closing its copy.
  for (int fd : fds_) check(::fcntl(fd, F_SETFD, FD_CLOEXEC), "fcntl FD_CLOEXEC");
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path_.size() >= sizeof address.sun_path) {
    throw std::system_error(ENAMETOOLONG, std::generic_category(), "offer socket " + path_);
  }
  std::memcpy(address.sun_path, path_.c_str(), path_.size() + 1);
  listener_ = check(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
  check(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), "bind " + path_);
  check(::listen(listener_, 1), "listen " + path_);
  stop_ = check(::eventfd(0, EFD_CLOEXEC), "eventfd");
  thread_ = std::thread([this, until = std::chrono::steady_clock::now() + deadline] { serve(until); });
}

FdOffer::~FdOffer() {
  finish();
  ::close(listener_);
  ::close(stop_);
}

std::string FdOffer::relay_command(RelayMode mode) const {
  return shell_word(SSHTC_FD_RELAY) + " " + shell_word(path_) +
         (mode == RelayMode::kPass ? " --pass" : " --pump");
}

std::string FdOffer::finish() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    (void)!::write(stop_, &one, sizeof one);
    thread_.join();
    for (int fd : fds_) ::close(fd);
    fds_.clear();
  }
  return failure_;
}

void FdOffer::serve(std::chrono::steady_clock::time_point deadline) {
  failure_ = "nobody asked for the descriptors";
  pollfd watch[2] = {{listener_, POLLIN, 0}, {stop_, POLLIN, 0}};
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure_ = "nobody asked for the descriptors before the deadline";
      return;
    }
    int ready = ::poll(watch, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      failure_ = std::string("poll: ") + strerror(errno);
      return;
    }
    if (watch[1].revents) return;
    if (watch[0].revents) break;
  }
  int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (connection < 0) {
    failure_ = std::string("accept: ") + strerror(errno);
    return;
  }
  try {
    send_fds(connection, fds_);
    failure_.clear();
  } catch (const std::exception& error) {
    failure_ = error.what();
  }
  ::close(connection);
}

}  // namespace sshtc::proxy
