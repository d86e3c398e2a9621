// The transports that differ from tcp and unix only in the kind of socket they hand over are
// worth nothing unless the descriptor really is that kind: each test asks the kernel what the
// client's and the server's ends are. (TransportTest in transports_test.cpp moves the bytes.)
#include <gtest/gtest.h>
#include <linux/mptcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

#include "../transports/local_socket.hpp"
#include "../transports/transport.hpp"

namespace sshtc {
namespace {

auto soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

int socket_option(int fd, int option) {
  int value = -1;
  socklen_t length = sizeof value;
  check_sys(::getsockopt(fd, SOL_SOCKET, option, &value, &length), "getsockopt SOL_SOCKET");
  return value;
}

// Bytes written on one end arrive at the other: the pair is one connection, not two sockets.
void expect_round_trip(int from, int to, const std::string& what) {
  ASSERT_EQ(::write(from, "ssh", 3), 3) << what;
  char got[4] = {};
  ASSERT_EQ(::read(to, got, 3), 3) << what;
  EXPECT_STREQ(got, "ssh") << what;
}

// An MPTCP connection that fell back to TCP keeps IPPROTO_MPTCP as its protocol; SOL_MPTCP's
// MPTCP_INFO answers only while it really is Multipath TCP.
bool still_multipath(int fd) {
  mptcp_info info{};
  socklen_t length = sizeof info;
  return ::getsockopt(fd, SOL_MPTCP, MPTCP_INFO, &info, &length) == 0;
}

bool mptcp_switched_on() {
  std::string enabled;
  return std::ifstream("/proc/sys/net/mptcp/enabled") >> enabled && enabled == "1";
}

TEST(SocketKinds, MptcpHandsTheClientAMultipathTcpSocketAndTheServerItsPeer) {
  auto transport = find_transport("mptcp");
  auto reason = transport->unavailable();
  if (mptcp_switched_on()) {
    ASSERT_FALSE(reason) << "net.mptcp.enabled is 1, yet the transport says: " << *reason;
  } else if (reason) {
    GTEST_SKIP() << *reason;
  }
  auto connection = transport->open();
  ClientEndpoint client = connection->client();
  ASSERT_GE(client.fd_in, 0) << "mptcp hands the client its descriptor";
  EXPECT_EQ(client.fd_out, client.fd_in);
  EXPECT_EQ(client.host, "127.0.0.1");
  EXPECT_GT(client.port, 0);
  EXPECT_EQ(socket_option(client.fd_in, SO_DOMAIN), AF_INET);
  EXPECT_EQ(socket_option(client.fd_in, SO_TYPE), SOCK_STREAM);
  EXPECT_EQ(socket_option(client.fd_in, SO_PROTOCOL), IPPROTO_MPTCP) << "the client's descriptor";
  EXPECT_TRUE(still_multipath(client.fd_in)) << "the client's connection fell back to TCP";

  // The client speaks first, as every SSH client does: the server is served its handed peer.
  ASSERT_EQ(::write(client.fd_in, "SSH-", 4), 4);
  ServerEndpoint server = connection->accept_server(soon());
  EXPECT_EQ(socket_option(server.fd_in, SO_PROTOCOL), IPPROTO_MPTCP) << "the server's descriptor";
  EXPECT_TRUE(still_multipath(server.fd_in)) << "the server's connection fell back to TCP";
  char banner[5] = {};
  ASSERT_EQ(::read(server.fd_in, banner, 4), 4);
  EXPECT_STREQ(banner, "SSH-");
  expect_round_trip(server.fd_out, client.fd_in, "server → client");
}

// The documented choice for a client that dials host:port itself: it gets what it dialled, and
// plain TCP to an MPTCP listener is plain TCP.
TEST(SocketKinds, MptcpServesAClientThatDialsWithWhatItDialled) {
  auto transport = find_transport("mptcp");
  if (auto reason = transport->unavailable()) GTEST_SKIP() << *reason;
  for (int protocol : {IPPROTO_TCP, IPPROTO_MPTCP}) {
    auto connection = transport->open();
    ClientEndpoint client = connection->client();
    SocketAddress address = inet_loopback(AF_INET);
    reinterpret_cast<sockaddr_in*>(&address.storage)->sin_port = htons(static_cast<uint16_t>(client.port));
    UniqueFd dialled(check_sys(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, protocol), "socket"));
    check_sys(::connect(dialled.get(), address.get(), address.length), "connect");
    ServerEndpoint server = connection->accept_server(soon());
    EXPECT_EQ(socket_option(server.fd_in, SO_PROTOCOL), protocol) << "dialled with protocol " << protocol;
    expect_round_trip(dialled.get(), server.fd_in, "dialled client → server");
  }
}

}  // namespace
}  // namespace sshtc
