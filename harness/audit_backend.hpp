// Which audit watches a run's processes (SSHTC_AUDIT): the LD_PRELOAD library, which sees the
// calls made through libc and names the library that made them; the syscall backend, which
// sees every call, libc or not (Go, static binaries, syscall(2)); or both, the default where the
// kernel allows the syscall backend. Decided once per run.
#pragma once

#include <string>

#include "../base/process.hpp"
#include "run_directory.hpp"

namespace sshtc {

enum class AuditBackend { preload, syscall, both };

struct AuditChoice {
  AuditBackend backend = AuditBackend::both;
  // Why it is not the default, when it is not: "the syscall backend cannot run here: …".
  std::string reason;

  bool preload() const { return backend != AuditBackend::syscall; }
  bool syscall() const { return backend != AuditBackend::preload; }
  // "both (preload and syscall)", "preload only: …": what the set-up prints and run.txt keeps.
  std::string describe() const;
};

// SSHTC_AUDIT, and the kernel's answer to the syscall backend's probe, asked once per run. A
// malformed SSHTC_AUDIT, or a backend asked for by name that the kernel refuses, throws
// std::runtime_error saying which and why.
AuditChoice audit_choice(const RunDirectory& run);

// Puts `spec` under the run's audit: records in `dir`; transport_fds are its descriptors of
// the byte stream. SSHTC_ERRNO_PROFILE is passed on from the harness's own environment.
void audit_process(ProcessSpec& spec, const RunDirectory& run, const std::filesystem::path& dir,
                   const std::vector<int>& transport_fds);

}  // namespace sshtc
