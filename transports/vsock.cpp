// AF_VSOCK, the socket family of virtual machines and their hosts (virtio-vsock, Firecracker,
// QEMU, WSL2's and Kata's agents), over the local loopback: VMADDR_CID_LOCAL (1), which the
// vsock_loopback module provides. The harness listens at cid 1, connects, hands the client the
// connected descriptor and the server the accepted one. Neither AF_INET nor AF_UNIX, it has a
// peer name (cid, port) that no inet or unix parser reads.
//
// Where the kernel has no vsock loopback the column is SKIP, and unavailable() says exactly what
// refused it: a guest whose only vsock transport is the one to its host refuses to bind cid 1
// (EADDRNOTAVAIL).
#include <linux/vm_sockets.h>
#include <sys/socket.h>

#include <cerrno>
#include <system_error>

#include "local_socket.hpp"
#include "transport.hpp"

namespace sshtc {
namespace {

SocketAddress local_vsock() {
  SocketAddress address;
  auto* vm = reinterpret_cast<sockaddr_vm*>(&address.storage);
  vm->svm_family = AF_VSOCK;
  vm->svm_cid = VMADDR_CID_LOCAL;
  vm->svm_port = VMADDR_PORT_ANY;  // the kernel picks a free port at bind
  address.length = sizeof(sockaddr_vm);
  return address;
}

ConnectedPair connect_over_loopback() {
  SocketAddress address = local_vsock();
  UniqueFd listener = listen_at(address, 0, 1);
  return connect_and_accept(listener.get(), address, 0);
}

std::string why(int error) {
  switch (error) {
    case EAFNOSUPPORT:
      return " — this kernel has no AF_VSOCK (the vsock module is not loaded)";
    case EADDRNOTAVAIL:
    case ENODEV:
      return " — no vsock loopback transport: the vsock_loopback module is not loaded (nor built in)";
    case ETIMEDOUT:
    case ECONNRESET:
      return " — the connection went to another vsock transport (the host's), not to a loopback";
    default:
      return "";
  }
}

class VsockTransport : public Transport {
 public:
  std::string name() const override { return "vsock"; }

  std::optional<std::string> unavailable() const override {
    try {
      connect_over_loopback();
      return std::nullopt;
    } catch (const std::system_error& error) {
      return std::string("AF_VSOCK loopback (VMADDR_CID_LOCAL) refused: ") + error.what() + why(error.code().value());
    }
  }

  std::unique_ptr<Connection> open() override {
    ConnectedPair pair = connect_over_loopback();
    return std::make_unique<DescriptorConnection>(std::move(pair.client), UniqueFd(), std::move(pair.server),
                                                  UniqueFd());
  }
};

}  // namespace

std::shared_ptr<Transport> make_vsock_transport() { return std::make_shared<VsockTransport>(); }

}  // namespace sshtc
