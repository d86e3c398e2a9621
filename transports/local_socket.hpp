// Stream sockets on this machine, of any family: a listener at an address, and a client the
// harness connects to it itself. Every socket transport that hands the client a connected
// descriptor (unix, unix-abstract, mptcp, vsock) is these calls with its own address, and tcp
// is the listener alone. A failure names the call, the address and the errno
// ("bind vsock cid 1 port any: EADDRNOTAVAIL: Cannot assign requested address"), so that a
// transport the kernel refuses can say exactly why.
#pragma once

#include <sys/socket.h>

#include <string>

#include "../base/unique_fd.hpp"

namespace sshtc {

// An address as bind, connect and getsockname take it.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
  // "127.0.0.1 port 40123", "[::1] port 0", "/tmp/sshtc-unix-x/sshd.sock",
  // "abstract @sshtc-1234-0" (the leading NUL shown as '@', as ss(8) does), "vsock cid 1 port any".
  std::string describe() const;
};

// 127.0.0.1 or ::1, port 0: the kernel picks a free port at bind, so parallel runs never collide.
SocketAddress inet_loopback(int family);
int inet_port(const SocketAddress& address);
// A path-bound AF_UNIX address; throws when the path does not fit in sun_path.
SocketAddress unix_path_address(const std::string& path);
// An AF_UNIX address in the abstract namespace: sun_path[0] is NUL and `name` follows, with no
// terminator (the length ends it). Nothing is made on disk, and it goes with its socket.
SocketAddress unix_abstract_address(const std::string& name);

// A stream socket of the address's family and `protocol` (0: the family's default) listening
// at `address`, which then holds where it listens (the port the kernel picked).
UniqueFd listen_at(SocketAddress& address, int protocol, int backlog);

// A new stream socket of the same kind connected to `listener` at `address`, and the end the
// listener accepted. `client_name`, when given, is bound to the client first (an AF_UNIX
// socket is unnamed otherwise, and its peer would see no address at all).
struct ConnectedPair {
  UniqueFd client, server;
};
ConnectedPair connect_and_accept(int listener, const SocketAddress& address, int protocol,
                                 const SocketAddress* client_name = nullptr);

// The errno name of a failed socket call ("EADDRNOTAVAIL"), for reasons that must name it.
std::string errno_name(int error);

}  // namespace sshtc
