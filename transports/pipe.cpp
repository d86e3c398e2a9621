// Two pipes: separate read and write descriptors, as a ProxyCommand or stdio tunnel gives.
// No socket call can succeed on them, which is what this transport is for.
#include <fcntl.h>
#include <unistd.h>

#include "transport.hpp"

namespace sshtc {
namespace {

class PipeTransport : public Transport {
 public:
  std::string name() const override { return "pipe"; }
  std::unique_ptr<Connection> open() override {
    int to_client[2], to_server[2];
    check_sys(::pipe2(to_client, O_CLOEXEC), "pipe2");
    UniqueFd client_in(to_client[0]), server_out(to_client[1]);
    check_sys(::pipe2(to_server, O_CLOEXEC), "pipe2");
    UniqueFd server_in(to_server[0]), client_out(to_server[1]);
    return std::make_unique<DescriptorConnection>(std::move(client_in), std::move(client_out),
                                                  std::move(server_in), std::move(server_out));
  }
};

}  // namespace

std::shared_ptr<Transport> make_pipe_transport() { return std::make_shared<PipeTransport>(); }

}  // namespace sshtc
