// Appends one JSON line per audited call to <SSHTC_AUDIT_DIR>/audit.<pid>.jsonl.
#pragma once

#include "../common/audit_line.hpp"
#include "audit_config.hpp"

namespace sshtc::preload {

// `call` without its caller and transport flag, which are filled in here: `return_address` is
// inside the code that made the call. Leaves errno changed; the interposers restore it.
void write_audit_record(const AuditConfig& config, audit::AuditedCall call,
                        const void* return_address);

}  // namespace sshtc::preload
