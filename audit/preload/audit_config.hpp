// The environment the harness gives an audited process, read once per process.
#pragma once

#include <climits>

#include "../common/descriptor.hpp"
#include "../common/errno_profile.hpp"

namespace sshtc::preload {

struct AuditConfig {
  char directory[PATH_MAX] = {};  // SSHTC_AUDIT_DIR
  audit::TransportFds transport;  // SSHTC_AUDIT_TRANSPORT_FDS, e.g. "3" or "0,1"
  audit::ErrnoProfile profile = audit::ErrnoProfile::linux_kernel;  // SSHTC_ERRNO_PROFILE
};

// Null when SSHTC_AUDIT_DIR is unset: the library then only forwards calls.
const AuditConfig* audit_config();

}  // namespace sshtc::preload
