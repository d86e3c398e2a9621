// An AF_UNIX socket bound to a path: the harness connects and hands the client the
// connected descriptor, and names the path too, for clients that dial it themselves
// (a ProxyCommand such as `nc -U path`).
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "../base/scratch_dir.hpp"
#include "transport.hpp"

namespace sshtc {
namespace {

// A client that neither speaks on the descriptor it was handed nor dials the path within
// this time is taken to wait for the server's banner first, on the descriptor.
constexpr int kSilenceMs = 1000;

class UnixConnection : public DescriptorConnection {
 public:
  UnixConnection(UniqueFd client, UniqueFd server, UniqueFd listener, ScratchDir dir,
                 std::string path)
      : DescriptorConnection(std::move(client), UniqueFd(), std::move(server), UniqueFd(), path),
        listener_(std::move(listener)),
        dir_(std::move(dir)) {}

  // Serves whichever connection the client uses: the handed descriptor once the client
  // speaks on it (every SSH client sends its banner first), or its own dial of the path. A
  // client that closed the handed descriptor has only the dial left.
  ServerEndpoint accept_server(std::chrono::steady_clock::time_point deadline, int give_up) override {
    ServerEndpoint handed = DescriptorConnection::accept_server(deadline, give_up);
    auto silence_ends = std::chrono::steady_clock::now() + std::chrono::milliseconds(kSilenceMs);
    pollfd watch[3] = {{listener_.get(), POLLIN, 0}, {handed.fd_in, POLLIN, 0}, {give_up, POLLIN, 0}};
    for (;;) {
      auto until = watch[1].fd >= 0 ? std::min(silence_ends, deadline) : deadline;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (::poll(watch, 3, static_cast<int>(std::max<long>(0, left.count()))) <= 0) return handed;
      if (watch[0].revents & POLLIN) {
        dialled_.reset(check_sys(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC), "accept"));
        return {dialled_.get(), dialled_.get()};
      }
      if (watch[2].revents) return handed;  // the client is gone: the server will see EOF
      char byte;
      if (watch[1].revents && ::recv(handed.fd_in, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0) {
        return handed;
      }
      watch[1].fd = -1;  // closed by the client, unused
    }
  }

  void close_server_side() override {
    DescriptorConnection::close_server_side();
    dialled_.reset();
    listener_.reset();
  }

 private:
  UniqueFd listener_, dialled_;
  ScratchDir dir_;
};

class UnixTransport : public Transport {
 public:
  std::string name() const override { return "unix"; }
  std::unique_ptr<Connection> open() override {
    // sun_path holds 108 bytes, which a deep build tree can exceed.
    ScratchDir dir("sshtc-unix");
    std::string path = (dir.path() / "sshd.sock").string();

    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path)) {
      throw std::runtime_error("unix transport: socket path too long: " + path);
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    auto* raw = reinterpret_cast<sockaddr*>(&address);

    UniqueFd listener(check_sys(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"));
    check_sys(::bind(listener.get(), raw, sizeof address), "bind");
    check_sys(::listen(listener.get(), 2), "listen");
    UniqueFd client(check_sys(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"));
    check_sys(::connect(client.get(), raw, sizeof address), "connect");
    UniqueFd server(check_sys(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC), "accept"));
    return std::make_unique<UnixConnection>(std::move(client), std::move(server),
                                            std::move(listener), std::move(dir), path);
  }
};

}  // namespace

std::shared_ptr<Transport> make_unix_transport() { return std::make_shared<UnixTransport>(); }

}  // namespace sshtc
