#include "local_socket.hpp"

#include <arpa/inet.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace sshtc {
namespace {

constexpr socklen_t kUnixPathOffset = offsetof(sockaddr_un, sun_path);

[[noreturn]] void failed(const std::string& call, const SocketAddress& address) {
  int error = errno;
  throw std::system_error(error, std::generic_category(),
                          call + " " + address.describe() + ": " + errno_name(error));
}

int checked(int result, const std::string& call, const SocketAddress& address) {
  if (result < 0) failed(call, address);
  return result;
}

std::string socket_call(int protocol) {
  return protocol == 0 ? "socket for" : "socket of protocol " + std::to_string(protocol) + " for";
}

// An abstract name is bytes, not text: anything unprintable is shown as '?'.
std::string printable(const char* bytes, size_t size) {
  std::string text(bytes, size);
  for (char& c : text) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return text;
}

}  // namespace

std::string errno_name(int error) {
  const char* name = ::strerrorname_np(error);
  return name ? name : "errno " + std::to_string(error);
}

std::string SocketAddress::describe() const {
  char text[INET6_ADDRSTRLEN] = "?";
  switch (family()) {
    case AF_INET: {
      const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
      ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
      return std::string(text) + " port " + std::to_string(ntohs(in->sin_port));
    }
    case AF_INET6: {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
      ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
      return "[" + std::string(text) + "] port " + std::to_string(ntohs(in6->sin6_port));
    }
    case AF_UNIX: {
      const auto* un = reinterpret_cast<const sockaddr_un*>(&storage);
      if (length <= kUnixPathOffset) return "an unnamed AF_UNIX socket";
      size_t size = length - kUnixPathOffset;
      if (un->sun_path[0] == '\0') return "abstract @" + printable(un->sun_path + 1, size - 1);
      return std::string(un->sun_path, ::strnlen(un->sun_path, size));
    }
    case AF_VSOCK: {
      const auto* vm = reinterpret_cast<const sockaddr_vm*>(&storage);
      auto number = [](unsigned value, unsigned any) {
        return value == any ? std::string("any") : std::to_string(value);
      };
      return "vsock cid " + number(vm->svm_cid, VMADDR_CID_ANY) + " port " +
             number(vm->svm_port, VMADDR_PORT_ANY);
    }
    default:
      return "an address of family " + std::to_string(family());
  }
}

SocketAddress inet_loopback(int family) {
  SocketAddress address;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&address.storage);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.length = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    address.length = sizeof(sockaddr_in6);
  }
  return address;
}

int inet_port(const SocketAddress& address) {
  return ntohs(address.family() == AF_INET
                   ? reinterpret_cast<const sockaddr_in*>(&address.storage)->sin_port
                   : reinterpret_cast<const sockaddr_in6*>(&address.storage)->sin6_port);
}

SocketAddress unix_path_address(const std::string& path) {
  SocketAddress address;
  auto* un = reinterpret_cast<sockaddr_un*>(&address.storage);
  un->sun_family = AF_UNIX;
  // sun_path holds 108 bytes, which a deep build tree can exceed.
  if (path.size() >= sizeof un->sun_path) throw std::runtime_error("unix socket path too long: " + path);
  std::memcpy(un->sun_path, path.c_str(), path.size() + 1);
  address.length = kUnixPathOffset + static_cast<socklen_t>(path.size()) + 1;
  return address;
}

SocketAddress unix_abstract_address(const std::string& name) {
  SocketAddress address;
  auto* un = reinterpret_cast<sockaddr_un*>(&address.storage);
  un->sun_family = AF_UNIX;
  if (name.size() + 1 > sizeof un->sun_path) throw std::runtime_error("abstract socket name too long: " + name);
  un->sun_path[0] = '\0';
  std::memcpy(un->sun_path + 1, name.data(), name.size());
  address.length = kUnixPathOffset + 1 + static_cast<socklen_t>(name.size());
  return address;
}

UniqueFd listen_at(SocketAddress& address, int protocol, int backlog) {
  UniqueFd listener(checked(::socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, protocol),
                            socket_call(protocol), address));
  checked(::bind(listener.get(), address.get(), address.length), "bind", address);
  checked(::listen(listener.get(), backlog), "listen on", address);
  socklen_t length = sizeof address.storage;
  checked(::getsockname(listener.get(), address.get(), &length), "getsockname of", address);
  address.length = length;
  return listener;
}

ConnectedPair connect_and_accept(int listener, const SocketAddress& address, int protocol,
                                 const SocketAddress* client_name) {
  ConnectedPair pair;
  pair.client.reset(checked(::socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC, protocol),
                            socket_call(protocol), address));
  if (client_name) checked(::bind(pair.client.get(), client_name->get(), client_name->length), "bind", *client_name);
  checked(::connect(pair.client.get(), address.get(), address.length), "connect to", address);
  pair.server.reset(checked(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC), "accept on", address));
  return pair;
}

}  // namespace sshtc
