// An AF_UNIX socket bound to a path: the harness connects and hands the client the
// connected descriptor, and names the path too for clients that dial it themselves.
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "transport.hpp"

namespace sshtc {
namespace {

// sun_path holds 108 bytes, which a deep build tree can exceed: sockets live in a
// short private directory of their own under TMPDIR.
class UnixConnection : public DescriptorConnection {
 public:
  UnixConnection(UniqueFd client, UniqueFd server, std::filesystem::path dir, std::string path)
      : DescriptorConnection(std::move(client), UniqueFd(), std::move(server), UniqueFd(), path),
        dir_(std::move(dir)) {}
  ~UnixConnection() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

 private:
  std::filesystem::path dir_;
};

class UnixTransport : public Transport {
 public:
  std::string name() const override { return "unix"; }
  std::unique_ptr<Connection> open() override {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/sshtc-unix-XXXXXX";
    if (!mkdtemp(pattern.data())) check_sys(-1, "mkdtemp for the unix transport");
    std::string path = pattern + "/sshd.sock";

    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path)) {
      throw std::runtime_error("unix transport: socket path too long: " + path);
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    auto* raw = reinterpret_cast<sockaddr*>(&address);

    UniqueFd listener(check_sys(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"));
    check_sys(::bind(listener.get(), raw, sizeof address), "bind");
    check_sys(::listen(listener.get(), 1), "listen");
    UniqueFd client(check_sys(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket"));
    check_sys(::connect(client.get(), raw, sizeof address), "connect");
    UniqueFd server(check_sys(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC), "accept"));
    return std::make_unique<UnixConnection>(std::move(client), std::move(server), pattern, path);
  }
};

}  // namespace

std::shared_ptr<Transport> make_unix_transport() { return std::make_shared<UnixTransport>(); }

}  // namespace sshtc
