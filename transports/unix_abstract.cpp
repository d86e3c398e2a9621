// An AF_UNIX stream socket in the abstract namespace: its address is a NUL byte and a name, with
// nothing on disk. Beside the path-bound (`unix`) and the unnamed (`socketpair`), it is the third
// kind of AF_UNIX address, and peer-name parsing breaks differently on it: getpeername() gives a
// sun_path that starts with '\0' (Python returns it as bytes, not str).
//
// The harness connects and hands the client the connected descriptor; the server gets the
// accepted one. The client's socket is bound to an abstract name of its own, so that the server's
// getpeername() is abstract too, and both ends meet the same kind of address. There is no
// SSHTC_UNIX_PATH: nothing on disk to dial (nc -U takes paths only), so the listener closes once
// the harness has its connection.
#include <unistd.h>

#include <atomic>

#include "local_socket.hpp"
#include "transport.hpp"

namespace sshtc {
namespace {

// Unique per connection: the abstract namespace is shared by every process of the network
// namespace, parallel cases and runs included, and a name is free again once its socket closes.
std::string fresh_name() {
  static std::atomic<unsigned> connections{0};
  return "sshtc-" + std::to_string(::getpid()) + "-" + std::to_string(connections++);
}

class UnixAbstractTransport : public Transport {
 public:
  std::string name() const override { return "unix-abstract"; }
  std::unique_ptr<Connection> open() override {
    std::string name = fresh_name();
    SocketAddress address = unix_abstract_address(name);
    SocketAddress client_name = unix_abstract_address(name + "-client");
    UniqueFd listener = listen_at(address, 0, 1);
    ConnectedPair pair = connect_and_accept(listener.get(), address, 0, &client_name);
    return std::make_unique<DescriptorConnection>(std::move(pair.client), UniqueFd(), std::move(pair.server),
                                                  UniqueFd());
  }
};

}  // namespace

std::shared_ptr<Transport> make_unix_abstract_transport() { return std::make_shared<UnixAbstractTransport>(); }

}  // namespace sshtc
