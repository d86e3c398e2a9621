// The transports that differ from tcp and unix only in the kind of socket they hand over are
// worth nothing unless the descriptor really is that kind: each test asks the kernel what the
// client's and the server's ends are. (TransportTest in transports_test.cpp moves the bytes.)
#include <gtest/gtest.h>
#include <linux/mptcp.h>
#include <linux/vm_sockets.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <iostream>
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

// What `fd` says through `call` (getpeername or getsockname).
SocketAddress address_of(int fd, int (*call)(int, sockaddr*, socklen_t*)) {
  SocketAddress address;
  address.length = sizeof address.storage;
  check_sys(call(fd, address.get(), &address.length), "getpeername/getsockname");
  return address;
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

// An abstract AF_UNIX address: more than the family, and sun_path starting with NUL. (Unnamed,
// as a socketpair's, is the family alone; path-bound starts with the path.)
void expect_abstract(const SocketAddress& address, const std::string& name, const std::string& what) {
  EXPECT_EQ(address.family(), AF_UNIX) << what;
  ASSERT_GT(address.length, offsetof(sockaddr_un, sun_path) + 1) << what << ": " << address.describe();
  EXPECT_EQ(reinterpret_cast<const sockaddr_un*>(&address.storage)->sun_path[0], '\0') << what;
  EXPECT_EQ(address.describe(), "abstract @" + name) << what;
}

TEST(SocketKinds, UnixAbstractPeersHaveAbstractNamesOnBothEnds) {
  auto transport = find_transport("unix-abstract");
  ASSERT_FALSE(transport->unavailable());
  std::string first_name;
  for (int round = 0; round < 2; ++round) {
    auto connection = transport->open();
    ClientEndpoint client = connection->client();
    ASSERT_GE(client.fd_in, 0) << "unix-abstract hands the client its descriptor";
    EXPECT_EQ(client.fd_out, client.fd_in);
    EXPECT_EQ(client.unix_path, "") << "nothing on disk to dial";
    ServerEndpoint server = connection->accept_server(soon());
    EXPECT_EQ(socket_option(client.fd_in, SO_TYPE), SOCK_STREAM);

    // The client's peer is the listener's name, the server's peer the client's own.
    SocketAddress listener = address_of(client.fd_in, ::getpeername);
    std::string name = listener.describe().substr(std::string("abstract @").size());
    EXPECT_EQ(name.rfind("sshtc-" + std::to_string(::getpid()) + "-", 0), 0u) << listener.describe();
    expect_abstract(listener, name, "getpeername on the client's end");
    expect_abstract(address_of(server.fd_in, ::getpeername), name + "-client", "getpeername on the server's end");
    expect_abstract(address_of(server.fd_in, ::getsockname), name, "getsockname on the server's end");
    expect_round_trip(client.fd_in, server.fd_in, "client → server");

    // Unique per connection.
    if (round == 0) {
      first_name = name;
    } else {
      EXPECT_NE(name, first_name);
    }
  }
}

// This test's own answer to "has this kernel a vsock loopback?": 0, or the errno with which it
// refuses a stream socket at VMADDR_CID_LOCAL.
int vsock_loopback_refusal() {
  UniqueFd probe(::socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!probe) return errno;
  sockaddr_vm local{};
  local.svm_family = AF_VSOCK;
  local.svm_cid = VMADDR_CID_LOCAL;
  local.svm_port = VMADDR_PORT_ANY;
  return ::bind(probe.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) == 0 ? 0 : errno;
}

// Either branch can fail: available, the descriptors must be vsock and carry bytes; refused, the
// column's SKIP reason must name the errno the kernel gave.
TEST(SocketKinds, VsockIsALoopbackVsockStreamOrSaysPreciselyWhyNot) {
  auto transport = find_transport("vsock");
  auto reason = transport->unavailable();
  if (int refusal = vsock_loopback_refusal()) {
    ASSERT_TRUE(reason) << "the kernel refuses vsock at VMADDR_CID_LOCAL (" << errno_name(refusal)
                        << "), yet the transport says it is available";
    EXPECT_NE(reason->find("VMADDR_CID_LOCAL"), std::string::npos) << *reason;
    EXPECT_NE(reason->find(errno_name(refusal)), std::string::npos) << *reason;
    std::cout << "no vsock loopback here, and the column says: " << *reason << "\n";
    return;
  }
  ASSERT_FALSE(reason) << "the kernel binds vsock at VMADDR_CID_LOCAL, yet the transport says: " << *reason;
  auto connection = transport->open();
  ClientEndpoint client = connection->client();
  ASSERT_GE(client.fd_in, 0) << "vsock hands the client its descriptor";
  EXPECT_EQ(client.fd_out, client.fd_in);
  ServerEndpoint server = connection->accept_server(soon());
  for (int fd : {client.fd_in, server.fd_in}) {
    EXPECT_EQ(socket_option(fd, SO_DOMAIN), AF_VSOCK);
    EXPECT_EQ(socket_option(fd, SO_TYPE), SOCK_STREAM);
    SocketAddress peer = address_of(fd, ::getpeername);
    EXPECT_EQ(peer.family(), AF_VSOCK);
    EXPECT_EQ(reinterpret_cast<const sockaddr_vm*>(&peer.storage)->svm_cid, VMADDR_CID_LOCAL) << peer.describe();
  }
  expect_round_trip(client.fd_in, server.fd_in, "client → server");
  expect_round_trip(server.fd_out, client.fd_in, "server → client");
}

}  // namespace
}  // namespace sshtc
