#include "symbolic_names.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

namespace sshtc::audit {
namespace {

struct Name {
  int number;
  const char* name;
};

#define SSHTC_NAME(symbol) \
  Name { symbol, #symbol }

template <size_t size>
const char* lookup(const Name (&table)[size], int number) {
  for (const Name& entry : table) {
    if (entry.number == number) return entry.name;
  }
  return nullptr;
}

// Errors a socket call can plausibly return; EAGAIN stands for EWOULDBLOCK and EOPNOTSUPP for
// ENOTSUP, which are the same numbers on Linux.
constexpr Name errors[] = {
    SSHTC_NAME(EPERM),        SSHTC_NAME(ENOENT),        SSHTC_NAME(EINTR),
    SSHTC_NAME(EIO),          SSHTC_NAME(EBADF),         SSHTC_NAME(EAGAIN),
    SSHTC_NAME(ENOMEM),       SSHTC_NAME(EACCES),        SSHTC_NAME(EFAULT),
    SSHTC_NAME(ENODEV),       SSHTC_NAME(EINVAL),        SSHTC_NAME(ENFILE),
    SSHTC_NAME(EMFILE),       SSHTC_NAME(ENOTTY),        SSHTC_NAME(ENOSPC),
    SSHTC_NAME(ESPIPE),       SSHTC_NAME(EPIPE),         SSHTC_NAME(ENOSYS),
    SSHTC_NAME(ENOTSOCK),     SSHTC_NAME(EDESTADDRREQ),  SSHTC_NAME(EMSGSIZE),
    SSHTC_NAME(EPROTOTYPE),   SSHTC_NAME(ENOPROTOOPT),   SSHTC_NAME(EPROTONOSUPPORT),
    SSHTC_NAME(EOPNOTSUPP),   SSHTC_NAME(EAFNOSUPPORT),  SSHTC_NAME(EADDRINUSE),
    SSHTC_NAME(ENETDOWN),     SSHTC_NAME(ENETUNREACH),   SSHTC_NAME(ECONNABORTED),
    SSHTC_NAME(ECONNRESET),   SSHTC_NAME(ENOBUFS),       SSHTC_NAME(EISCONN),
    SSHTC_NAME(ENOTCONN),     SSHTC_NAME(ESHUTDOWN),     SSHTC_NAME(ETIMEDOUT),
    SSHTC_NAME(ECONNREFUSED), SSHTC_NAME(EHOSTUNREACH),  SSHTC_NAME(EALREADY),
    SSHTC_NAME(EINPROGRESS),
};

constexpr Name levels[] = {
    SSHTC_NAME(SOL_SOCKET),
    SSHTC_NAME(IPPROTO_IP),
    SSHTC_NAME(IPPROTO_IPV6),
    SSHTC_NAME(IPPROTO_TCP),
    SSHTC_NAME(IPPROTO_UDP),
};

constexpr Name socket_options[] = {
    SSHTC_NAME(SO_DEBUG),     SSHTC_NAME(SO_REUSEADDR),   SSHTC_NAME(SO_TYPE),
    SSHTC_NAME(SO_ERROR),     SSHTC_NAME(SO_DONTROUTE),   SSHTC_NAME(SO_BROADCAST),
    SSHTC_NAME(SO_SNDBUF),    SSHTC_NAME(SO_RCVBUF),      SSHTC_NAME(SO_KEEPALIVE),
    SSHTC_NAME(SO_OOBINLINE), SSHTC_NAME(SO_PRIORITY),    SSHTC_NAME(SO_LINGER),
    SSHTC_NAME(SO_REUSEPORT), SSHTC_NAME(SO_PASSCRED),    SSHTC_NAME(SO_PEERCRED),
    SSHTC_NAME(SO_RCVLOWAT),  SSHTC_NAME(SO_SNDLOWAT),    SSHTC_NAME(SO_RCVTIMEO),
    SSHTC_NAME(SO_SNDTIMEO),  SSHTC_NAME(SO_BINDTODEVICE), SSHTC_NAME(SO_ACCEPTCONN),
    SSHTC_NAME(SO_MARK),      SSHTC_NAME(SO_PROTOCOL),    SSHTC_NAME(SO_DOMAIN),
};

constexpr Name tcp_options[] = {
    SSHTC_NAME(TCP_NODELAY),      SSHTC_NAME(TCP_MAXSEG),       SSHTC_NAME(TCP_CORK),
    SSHTC_NAME(TCP_KEEPIDLE),     SSHTC_NAME(TCP_KEEPINTVL),    SSHTC_NAME(TCP_KEEPCNT),
    SSHTC_NAME(TCP_INFO),         SSHTC_NAME(TCP_QUICKACK),     SSHTC_NAME(TCP_CONGESTION),
    SSHTC_NAME(TCP_USER_TIMEOUT), SSHTC_NAME(TCP_NOTSENT_LOWAT), SSHTC_NAME(TCP_FASTOPEN),
};

constexpr Name ip_options[] = {
    SSHTC_NAME(IP_TOS),          SSHTC_NAME(IP_TTL),      SSHTC_NAME(IP_OPTIONS),
    SSHTC_NAME(IP_PKTINFO),      SSHTC_NAME(IP_RECVERR),  SSHTC_NAME(IP_MTU_DISCOVER),
    SSHTC_NAME(IP_FREEBIND),     SSHTC_NAME(IP_TRANSPARENT),
    SSHTC_NAME(IP_BIND_ADDRESS_NO_PORT),
};

constexpr Name ipv6_options[] = {
    SSHTC_NAME(IPV6_TCLASS),       SSHTC_NAME(IPV6_V6ONLY),
    SSHTC_NAME(IPV6_UNICAST_HOPS), SSHTC_NAME(IPV6_RECVERR),
    SSHTC_NAME(IPV6_MTU_DISCOVER), SSHTC_NAME(IPV6_RECVPKTINFO),
};

constexpr Name families[] = {
    SSHTC_NAME(AF_UNIX),    SSHTC_NAME(AF_INET),  SSHTC_NAME(AF_INET6),
    SSHTC_NAME(AF_NETLINK), SSHTC_NAME(AF_PACKET), SSHTC_NAME(AF_VSOCK),
};

constexpr Name socket_types[] = {
    SSHTC_NAME(SOCK_STREAM),
    SSHTC_NAME(SOCK_DGRAM),
    SSHTC_NAME(SOCK_SEQPACKET),
    SSHTC_NAME(SOCK_RAW),
};

constexpr Name protocols[] = {
    SSHTC_NAME(IPPROTO_TCP),
    SSHTC_NAME(IPPROTO_UDP),
    SSHTC_NAME(IPPROTO_SCTP),
    SSHTC_NAME(IPPROTO_MPTCP),
};

#undef SSHTC_NAME

}  // namespace

const char* errno_name(int error) { return lookup(errors, error); }

const char* level_name(int level) { return lookup(levels, level); }

const char* option_name(int level, int option) {
  switch (level) {
    case SOL_SOCKET:
      return lookup(socket_options, option);
    case IPPROTO_TCP:
      return lookup(tcp_options, option);
    case IPPROTO_IP:
      return lookup(ip_options, option);
    case IPPROTO_IPV6:
      return lookup(ipv6_options, option);
    default:
      return nullptr;
  }
}

const char* family_name(int family) { return lookup(families, family); }

const char* socket_type_name(int type) { return lookup(socket_types, type); }

const char* protocol_name(int protocol) { return lookup(protocols, protocol); }

}  // namespace sshtc::audit
