// The environment the harness gives an audited process, read once per process.
#pragma once

#include <climits>

#include "errno_profile.hpp"

namespace sshtc::preload {

struct AuditConfig {
  char directory[PATH_MAX] = {};  // SSHTC_AUDIT_DIR
  int transport_fds[16] = {};     // SSHTC_AUDIT_TRANSPORT_FDS, e.g. "3" or "0,1"
  int transport_fd_count = 0;
  ErrnoProfile profile = ErrnoProfile::linux_kernel;  // SSHTC_ERRNO_PROFILE

  bool is_transport(int fd) const;
};

// Null when SSHTC_AUDIT_DIR is unset: the library then only forwards calls.
const AuditConfig* audit_config();

}  // namespace sshtc::preload
