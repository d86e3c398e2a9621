// An AF_UNIX socket bound to a path: the harness connects and hands the client the
// connected descriptor, and names the path too, for clients that dial it themselves
// (a ProxyCommand such as `nc -U path`).
#include "../base/scratch_dir.hpp"
#include "handed_or_dialled.hpp"
#include "local_socket.hpp"

namespace sshtc {
namespace {

class UnixConnection : public HandedOrDialledConnection {
 public:
  UnixConnection(ConnectedPair pair, UniqueFd listener, ScratchDir dir, std::string path)
      : HandedOrDialledConnection(std::move(pair.client), std::move(pair.server), std::move(listener),
                                  dial_path(std::move(path))),
        dir_(std::move(dir)) {}

 private:
  static ClientEndpoint dial_path(std::string path) {
    ClientEndpoint dial;
    dial.unix_path = std::move(path);
    return dial;
  }

  ScratchDir dir_;  // holds the socket's path while the connection lives
};

class UnixTransport : public Transport {
 public:
  std::string name() const override { return "unix"; }
  std::unique_ptr<Connection> open() override {
    // A short private directory: sun_path holds 108 bytes, which a deep build tree can exceed.
    ScratchDir dir("sshtc-unix");
    std::string path = (dir.path() / "sshd.sock").string();
    SocketAddress address = unix_path_address(path);
    // Two: the harness's own connection, and the client's dial.
    UniqueFd listener = listen_at(address, 0, 2);
    ConnectedPair pair = connect_and_accept(listener.get(), address, 0);
    return std::make_unique<UnixConnection>(std::move(pair), std::move(listener), std::move(dir), path);
  }
};

}  // namespace

std::shared_ptr<Transport> make_unix_transport() { return std::make_shared<UnixTransport>(); }

}  // namespace sshtc
