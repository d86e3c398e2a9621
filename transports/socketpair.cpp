// An AF_UNIX stream socketpair: the descriptor a WebRTC or in-process bridge hands a library.
#include <sys/socket.h>

#include "transport.hpp"

namespace sshtc {
namespace {

class SocketpairTransport : public Transport {
 public:
  std::string name() const override { return "socketpair"; }
  std::unique_ptr<Connection> open() override {
    int fds[2];
    check_sys(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), "socketpair");
    return std::make_unique<DescriptorConnection>(UniqueFd(fds[0]), UniqueFd(), UniqueFd(fds[1]),
                                                  UniqueFd());
  }
};

}  // namespace

std::shared_ptr<Transport> make_socketpair_transport() {
  return std::make_shared<SocketpairTransport>();
}

}  // namespace sshtc
