// The seccomp filter of the syscall backend: the calling thread, and everything it forks,
// clones or execs from now on, stops on the audited socket calls only, each handed to the
// listener this returns; every other syscall runs at full speed.
#pragma once

namespace sshtc::audit {

// The audited syscalls (x86_64), by the names the syscall backend records them under.
struct AuditedSyscall {
  int number;
  const char* name;
};
extern const AuditedSyscall kAuditedSyscalls[11];
// Null for a syscall the filter does not stop on.
const char* audited_syscall_name(int number);

// Sets no_new_privs and installs the filter; the listener descriptor, or -errno.
int install_audit_filter();

}  // namespace sshtc::audit
