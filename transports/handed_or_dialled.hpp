// A connection the harness makes itself and hands the client, while the listener it came from
// stays open for a client that dials the address instead (a ProxyCommand such as `nc -U path`,
// a library with a connect path of its own): the server gets whichever the client uses.
#pragma once

#include "transport.hpp"

namespace sshtc {

class HandedOrDialledConnection : public DescriptorConnection {
 public:
  // `dial` says where a client that dials goes (host and port, or unix_path); its descriptors
  // are not used. `client` and `server` are the harness's own connection to `listener`.
  HandedOrDialledConnection(UniqueFd client, UniqueFd server, UniqueFd listener, ClientEndpoint dial);

  // The handed descriptor, and where to dial.
  ClientEndpoint client() const override;
  // The handed descriptor once the client speaks on it (every SSH client sends its banner
  // first), or the client's own dial. A client that closed the handed descriptor has only the
  // dial left.
  ServerEndpoint accept_server(std::chrono::steady_clock::time_point deadline, int give_up) override;
  void close_server_side() override;

 private:
  UniqueFd listener_, dialled_;
  ClientEndpoint dial_;
};

}  // namespace sshtc
