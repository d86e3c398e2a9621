#include "audit_backend.hpp"

#include <cstdlib>
#include <stdexcept>

namespace fs = std::filesystem;

namespace sshtc {
namespace {

// "ok", or the probe's reason: whether seccomp user notification, pidfd_getfd and
// process_vm_readv work here for this user.
std::string probe_syscall_backend(const RunDirectory& run) {
  return run.remembered("audit", "syscall-probe", [&] {
    auto result = run_command("the syscall audit's probe", {SSHTC_SYSCALL_AUDIT, "--probe"},
                              run.root / "audit-probe", std::chrono::seconds(10));
    std::string said = result.output;
    while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
    if (result.status.code == 0 && said == "ok") return std::string("ok");
    return said.empty() ? "its probe " + result.status.describe() : said;
  });
}

}  // namespace

std::string AuditChoice::describe() const {
  switch (backend) {
    case AuditBackend::both: return "both (preload and syscall)";
    case AuditBackend::syscall: return "syscall only";
    case AuditBackend::preload: return reason.empty() ? "preload only" : "preload only: " + reason;
  }
  return "?";
}

AuditChoice audit_choice(const RunDirectory& run) {
  const char* asked = std::getenv("SSHTC_AUDIT");
  const std::string name = asked ? asked : "";
  AuditChoice choice;
  if (name == "preload") {
    choice.backend = AuditBackend::preload;
    return choice;
  }
  if (!name.empty() && name != "syscall" && name != "both") {
    throw std::runtime_error("SSHTC_AUDIT=" + name + ": accepted: preload, syscall, both (unset: both where the kernel allows it)");
  }
  const std::string probe = probe_syscall_backend(run);
  if (probe != "ok") {
    if (!name.empty()) {
      throw std::runtime_error("SSHTC_AUDIT=" + name + ", but the syscall backend cannot run here: " + probe);
    }
    choice.backend = AuditBackend::preload;
    choice.reason = "the syscall backend cannot run here: " + probe;
    return choice;
  }
  choice.backend = name == "syscall" ? AuditBackend::syscall : AuditBackend::both;
  return choice;
}

void audit_process(ProcessSpec& spec, const RunDirectory& run, const fs::path& dir, const std::vector<int>& transport_fds) {
  const AuditChoice choice = audit_choice(run);
  fs::create_directories(dir);
  if (choice.preload()) spec.env["LD_PRELOAD"] = SSHTC_AUDIT_LIBRARY;
  spec.env["SSHTC_AUDIT_DIR"] = dir.string();
  std::string fds;
  for (int fd : transport_fds) fds += (fds.empty() ? "" : ",") + std::to_string(fd);
  spec.env["SSHTC_AUDIT_TRANSPORT_FDS"] = fds;
  if (const char* profile = std::getenv("SSHTC_ERRNO_PROFILE")) spec.env["SSHTC_ERRNO_PROFILE"] = profile;
  // The launcher execs the program in its own place: same pid, descriptors and process group.
  if (choice.syscall()) spec.wrapper = {SSHTC_SYSCALL_AUDIT};
}

}  // namespace sshtc
