// Appends one JSON line per audited call to <SSHTC_AUDIT_DIR>/audit.<pid>.jsonl.
#pragma once

#include "audit_config.hpp"
#include "descriptor.hpp"

namespace sshtc::preload {

struct AuditedCall {
  const char* call = nullptr;
  int fd = -1;
  Descriptor descriptor;
  bool has_option = false;  // setsockopt/getsockopt only
  int level = 0;
  int option = 0;
  long long result = 0;
  int error = 0;  // errno when result < 0
  bool emulated = false;
  const void* return_address = nullptr;  // inside the code that made the call
};

// Leaves errno changed; the interposers restore it.
void write_audit_record(const AuditConfig& config, const AuditedCall& call);

}  // namespace sshtc::preload
