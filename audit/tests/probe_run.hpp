// Runs audit_probe under the audit (the sshtc_audit preload, the syscall backend or both) the
// way the harness runs a client: the
// descriptor under test at fd 3, the audit environment set, records in a fresh directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "audit_record.hpp"

namespace sshtc::audit_test {

struct ProbeEnvironment {
  bool audit = true;                 // sets SSHTC_AUDIT_DIR
  std::string transport_fds = "3";   // SSHTC_AUDIT_TRANSPORT_FDS
  std::string errno_profile;         // SSHTC_ERRNO_PROFILE, unset when empty
  // "preload" (LD_PRELOAD), "syscall" (under sshtc-syscall-audit) or "both".
  std::string backend = "preload";
  // A user's own preloads, kept ahead of the audit's ("lib1.so lib2.so"); with `replace_preload`
  // they are the whole LD_PRELOAD, as a wrapper script that sets its own would leave it.
  std::string user_preload;
  bool replace_preload = false;
  std::vector<std::string> variables;  // more NAME=VALUE entries
};

class ProbeRun {
 public:
  ProbeRun(const std::string& operation, int descriptor, const ProbeEnvironment& environment = {});
  ProbeRun(const ProbeRun&) = delete;
  ProbeRun& operator=(const ProbeRun&) = delete;
  ~ProbeRun();  // removes the audit directory

  int exit_status() const { return exit_status_; }
  const std::string& output() const { return output_; }  // "<ret> <errno> <strerror>" lines
  const std::string& errors() const { return errors_; }
  const std::filesystem::path& audit_dir() const { return audit_dir_; }
  std::vector<AuditRecord> records() const { return read_audit_dir(audit_dir_); }

 private:
  std::filesystem::path audit_dir_;
  int exit_status_ = -1;
  std::string output_;
  std::string errors_;
};

// The name the preload records for code in the probe executable.
inline const std::string kProbeName = "audit_probe";

}  // namespace sshtc::audit_test
