// The syscall backend's supervisor: answers every audited call a filtered process makes. It
// makes the call itself, on its own copy of the process's descriptor and with the process's
// arguments, so that it knows the result, and hands back exactly what the kernel answered; it
// writes the record first. A call it cannot make in the process's place (an option that carries
// a pointer or a descriptor number of the caller's) goes on to the kernel unrecorded: no rule is
// about those. Under an errno profile it answers as the preload does.
#pragma once

#include <sys/types.h>

#include <string>

#include "../common/audit_line.hpp"
#include "../common/errno_profile.hpp"
#include "traced_process.hpp"

struct seccomp_notif;
struct seccomp_notif_resp;

namespace sshtc::audit {

struct SupervisorConfig {
  pid_t launched = -1;          // the process the harness started: its transport descriptors
  TransportFds transport;       // SSHTC_AUDIT_TRANSPORT_FDS
  ErrnoProfile profile = ErrnoProfile::linux_kernel;
  int record_fd = -1;           // the records' file, opened O_APPEND
};

class Supervisor {
 public:
  Supervisor(int listener, SupervisorConfig config);
  // Until every filtered process has exited: "" then, or why it had to stop.
  std::string serve();

 private:
  void answer(const seccomp_notif& call, seccomp_notif_resp& response);
  void record(pid_t pid, const AuditedCall& call);

  int listener_;
  SupervisorConfig config_;
  TracedProcesses processes_;
  bool warned_unwritable_ = false;
};

}  // namespace sshtc::audit
