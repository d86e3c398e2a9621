#include "errno_profile.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace sshtc::audit {
namespace {

struct Known {
  const char* name;
  ErrnoProfile profile;
};
constexpr Known known[] = {{"linux", ErrnoProfile::linux_kernel},
                           {"openbsd", ErrnoProfile::openbsd},
                           {"freebsd", ErrnoProfile::freebsd},
                           {"macos", ErrnoProfile::macos},
                           {"wsl1", ErrnoProfile::wsl1}};

}  // namespace

bool parse_errno_profile(const char* name, ErrnoProfile* profile) {
  *profile = ErrnoProfile::linux_kernel;
  if (name == nullptr || *name == '\0') return true;
  for (const Known& entry : known) {
    if (std::strcmp(name, entry.name) == 0) {
      *profile = entry.profile;
      return true;
    }
  }
  return false;
}

const char* profile_name(ErrnoProfile profile) {
  for (const Known& entry : known) {
    if (entry.profile == profile) return entry.name;
  }
  return "unknown";
}

int emulated_option_errno(ErrnoProfile profile, int level, bool is_socket, int family) {
  const bool tcp_or_ip_level =
      level == IPPROTO_TCP || level == IPPROTO_IP || level == IPPROTO_IPV6;
  // Every platform checks "is it a socket" before the level, so pipes, ttys and closed
  // descriptors keep Linux's ENOTSOCK/EBADF.
  if (!tcp_or_ip_level || !is_socket || profile == ErrnoProfile::linux_kernel) return 0;
  if (family == AF_INET6) {
    // Linux hands IPPROTO_IP options on an AF_INET6 socket to its IPv4 code (for mapped
    // addresses) and succeeds. The BSD stacks' ip6_ctloutput takes only IPPROTO_IPV6 and
    // answers EINVAL (FreeBSD: sshuttle/sshuttle#660; FreeBSD and macOS: grke/burp#371).
    // WSL1 translated to Linux semantics; no report says otherwise.
    bool bsd = profile == ErrnoProfile::openbsd || profile == ErrnoProfile::freebsd ||
               profile == ErrnoProfile::macos;
    return level == IPPROTO_IP && bsd ? EINVAL : 0;
  }
  if (family == AF_INET) return 0;
  switch (profile) {
    case ErrnoProfile::linux_kernel:
      return 0;
    case ErrnoProfile::openbsd:
      return ENOPROTOOPT;
    case ErrnoProfile::freebsd:
      return EINVAL;
    case ErrnoProfile::macos:
      return EOPNOTSUPP;
    case ErrnoProfile::wsl1:
      // WSL1 was seen answering EPERM for IPV6_TCLASS (microsoft/WSL#1869); with no report for
      // the other levels, EPERM for all three is the most pessimistic reading.
      return EPERM;
  }
  return 0;
}

}  // namespace sshtc::audit
