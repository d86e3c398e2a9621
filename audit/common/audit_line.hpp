// One audited call as a line of <SSHTC_AUDIT_DIR>/*.jsonl, the same for both backends; the
// harness reads it back as an AuditRecord (audit_record.hpp).
#pragma once

#include "descriptor.hpp"
#include "json_line.hpp"

namespace sshtc::audit {

struct AuditedCall {
  const char* call = nullptr;  // "setsockopt", "sendto"…
  int fd = -1;
  Descriptor descriptor;
  bool transport = false;   // one of the process's transport descriptors
  bool has_option = false;  // setsockopt/getsockopt only
  int level = 0;
  int option = 0;
  long long result = 0;
  int error = 0;  // errno when result < 0
  bool emulated = false;
  const char* caller = "?";      // basename of the object that made the call
  const char* backend = "preload";  // or "syscall"
  // The preload audit was loaded in the process: a call the syscall backend saw and the preload
  // did not was made without libc.
  bool preload_loaded = true;
};

// False when the line did not fit and must not be written.
bool format_audit_line(JsonLine& line, const AuditedCall& call, long long pid);

}  // namespace sshtc::audit
