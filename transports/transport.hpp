// A transport makes one byte stream per connection and hands out its two ends.
// The harness never needs to know which transport it holds.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../base/unique_fd.hpp"

namespace sshtc {

// What the client adapter gets (contract v1: SSHTC_FD_IN/OUT, SSHTC_HOST/PORT, SSHTC_UNIX_PATH).
struct ClientEndpoint {
  int fd_in = -1;   // -1: the client connects itself to host:port
  int fd_out = -1;  // equal to fd_in for socket transports
  std::string host = "sshtc-server";  // also the name its known_hosts entry is for
  int port = 22;
  std::string unix_path;
};

// What the server gets as its stdin and stdout (inetd style).
struct ServerEndpoint {
  int fd_in = -1;
  int fd_out = -1;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual ClientEndpoint client() const = 0;
  // Blocks until the client has dialled, for transports where the client connects itself.
  // `give_up` becomes readable when waiting is pointless (the client's pidfd: it exited).
  virtual ServerEndpoint accept_server(std::chrono::steady_clock::time_point deadline,
                                       int give_up = -1) = 0;
  // Once a process holds its copies, the harness closes its own, so that EOF can be seen.
  virtual void close_client_side() = 0;
  virtual void close_server_side() = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual std::string name() const = 0;
  // Why this transport cannot run on this machine (e.g. no IPv6), or nothing.
  virtual std::optional<std::string> unavailable() const { return std::nullopt; }
  virtual std::unique_ptr<Connection> open() = 0;
};

// Every transport the suite knows, in matrix order.
const std::vector<std::shared_ptr<Transport>>& all_transports();
// A transport of all_transports(), or one of them with a variant (variant.hpp):
// "socketpair~frag1", whose random choices come from `seed`.
std::shared_ptr<Transport> find_transport(const std::string& name, uint64_t seed = 0);

// Transports that are one pair of descriptors from the start share this connection.
class DescriptorConnection : public Connection {
 public:
  DescriptorConnection(UniqueFd client_in, UniqueFd client_out, UniqueFd server_in,
                       UniqueFd server_out, std::string unix_path = {});
  ClientEndpoint client() const override;
  ServerEndpoint accept_server(std::chrono::steady_clock::time_point, int) override;
  void close_client_side() override;
  void close_server_side() override;

 private:
  UniqueFd client_in_, client_out_, server_in_, server_out_;
  std::string unix_path_;
};

}  // namespace sshtc
