// Multipath TCP on loopback: socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP), which Go >= 1.21 and
// others open. The harness listens on an MPTCP socket at 127.0.0.1, connects an MPTCP client
// socket to it and hands the client that descriptor; sshd gets the accepted one. It is an
// AF_INET stream socket that is not protocol TCP, so a client that checks the protocol rather
// than the family, or an audit rule that does, treats it wrongly.
//
// Host and port are given too, as on tcp4, and the listener stays open for a client that
// dials them itself: one that dials with IPPROTO_MPTCP gets Multipath TCP, one that dials
// plain TCP gets plain TCP (the MPTCP listener falls back, and the server's descriptor is then
// IPPROTO_TCP). Handing the descriptor is what makes the column MPTCP whatever the client's
// own connect path does; none of the suite's clients dials when it has a descriptor.
#include <netinet/in.h>

#include <cerrno>
#include <fstream>
#include <system_error>

#include "handed_or_dialled.hpp"
#include "local_socket.hpp"

namespace sshtc {
namespace {

constexpr const char* kEnabledSwitch = "/proc/sys/net/mptcp/enabled";

struct MptcpLoopback {
  UniqueFd listener;
  SocketAddress address;
  ConnectedPair pair;
};

MptcpLoopback connect_over_loopback() {
  MptcpLoopback made;
  made.address = inet_loopback(AF_INET);
  // Two: the harness's own connection, and a client's dial.
  made.listener = listen_at(made.address, IPPROTO_MPTCP, 2);
  made.pair = connect_and_accept(made.listener.get(), made.address, IPPROTO_MPTCP);
  return made;
}

class MptcpTransport : public Transport {
 public:
  std::string name() const override { return "mptcp"; }

  std::optional<std::string> unavailable() const override {
    // Disabled, the kernel answers socket() with ENOPROTOOPT; the switch says it better.
    std::string enabled;
    if (std::ifstream(kEnabledSwitch) >> enabled && enabled == "0") {
      return std::string("Multipath TCP is disabled: ") + kEnabledSwitch + " is 0 (sysctl net.mptcp.enabled=1)";
    }
    try {
      connect_over_loopback();
      return std::nullopt;
    } catch (const std::system_error& error) {
      int code = error.code().value();
      std::string why = code == EPROTONOSUPPORT ? " (no Multipath TCP in this kernel: CONFIG_MPTCP)"
                        : code == ENOPROTOOPT   ? " (Multipath TCP is disabled in this network namespace)"
                                                : "";
      return std::string("the kernel refuses IPPROTO_MPTCP on loopback: ") + error.what() + why;
    }
  }

  std::unique_ptr<Connection> open() override {
    MptcpLoopback made = connect_over_loopback();
    ClientEndpoint dial;
    dial.host = "127.0.0.1";
    dial.port = inet_port(made.address);
    return std::make_unique<HandedOrDialledConnection>(std::move(made.pair.client), std::move(made.pair.server),
                                                       std::move(made.listener), dial);
  }
};

}  // namespace

std::shared_ptr<Transport> make_mptcp_transport() { return std::make_shared<MptcpTransport>(); }

}  // namespace sshtc
