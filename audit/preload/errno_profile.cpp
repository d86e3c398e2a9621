#include "errno_profile.hpp"

#include <netinet/in.h>

#include <cerrno>
#include <cstring>

namespace sshtc::preload {

bool parse_errno_profile(const char* name, ErrnoProfile* profile) {
  struct Known {
    const char* name;
    ErrnoProfile profile;
  };
  static constexpr Known known[] = {{"openbsd", ErrnoProfile::openbsd},
                                    {"freebsd", ErrnoProfile::freebsd},
                                    {"macos", ErrnoProfile::macos},
                                    {"wsl1", ErrnoProfile::wsl1}};
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

int emulated_option_errno(ErrnoProfile profile, int level, const Descriptor& descriptor) {
  const bool tcp_or_ip_level =
      level == IPPROTO_TCP || level == IPPROTO_IP || level == IPPROTO_IPV6;
  // Every platform checks "is it a socket" before the level, so pipes, ttys and closed
  // descriptors keep Linux's ENOTSOCK/EBADF: only the answer for non-inet sockets differs.
  if (!tcp_or_ip_level || !descriptor.is_socket() || descriptor.is_inet()) return 0;
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

}  // namespace sshtc::preload
