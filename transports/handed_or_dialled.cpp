#include "handed_or_dialled.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>

namespace sshtc {
namespace {

// A client that neither speaks on the descriptor it was handed nor dials within this time is
// taken to wait for the server's banner first, on the descriptor.
constexpr int kSilenceMs = 1000;

}  // namespace

HandedOrDialledConnection::HandedOrDialledConnection(UniqueFd client, UniqueFd server, UniqueFd listener,
                                                     ClientEndpoint dial)
    : DescriptorConnection(std::move(client), UniqueFd(), std::move(server), UniqueFd()),
      listener_(std::move(listener)),
      dial_(std::move(dial)) {}

ClientEndpoint HandedOrDialledConnection::client() const {
  ClientEndpoint handed = DescriptorConnection::client();
  ClientEndpoint endpoint = dial_;
  endpoint.fd_in = handed.fd_in;
  endpoint.fd_out = handed.fd_out;
  return endpoint;
}

ServerEndpoint HandedOrDialledConnection::accept_server(std::chrono::steady_clock::time_point deadline,
                                                        int give_up) {
  ServerEndpoint handed = DescriptorConnection::accept_server(deadline, give_up);
  auto silence_ends = std::chrono::steady_clock::now() + std::chrono::milliseconds(kSilenceMs);
  pollfd watch[3] = {{listener_.get(), POLLIN, 0}, {handed.fd_in, POLLIN, 0}, {give_up, POLLIN, 0}};
  for (;;) {
    auto until = watch[1].fd >= 0 ? std::min(silence_ends, deadline) : deadline;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (::poll(watch, 3, static_cast<int>(std::max<long>(0, left.count()))) <= 0) return handed;
    if (watch[0].revents & POLLIN) {
      dialled_.reset(check_sys(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC), "accept"));
      return {dialled_.get(), dialled_.get()};
    }
    if (watch[2].revents) return handed;  // the client is gone: the server will see EOF
    char byte;
    if (watch[1].revents && ::recv(handed.fd_in, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0) return handed;
    watch[1].fd = -1;  // closed by the client, unused
  }
}

void HandedOrDialledConnection::close_server_side() {
  DescriptorConnection::close_server_side();
  dialled_.reset();
  listener_.reset();
}

}  // namespace sshtc
