#include "audit_findings.hpp"

#include <cstdlib>

#include "../audit/audit_record.hpp"
#include "../audit/audit_rules.hpp"

namespace fs = std::filesystem;

namespace sshtc {

fs::path audit_dir(const fs::path& case_dir, const std::string& side) {
  return case_dir / ("audit-" + side);
}

void add_audit_environment(Environment& env, const fs::path& dir, const std::vector<int>& transport_fds) {
  fs::create_directories(dir);
  env["LD_PRELOAD"] = SSHTC_AUDIT_LIBRARY;
  env["SSHTC_AUDIT_DIR"] = dir.string();
  std::string fds;
  for (int fd : transport_fds) fds += (fds.empty() ? "" : ",") + std::to_string(fd);
  env["SSHTC_AUDIT_TRANSPORT_FDS"] = fds;
  if (const char* profile = std::getenv("SSHTC_ERRNO_PROFILE")) env["SSHTC_ERRNO_PROFILE"] = profile;
}

std::vector<Observation> audit_findings(const fs::path& case_dir) {
  std::vector<Observation> observations;
  for (const std::string side : {"client", "server"}) {
    fs::path dir = audit_dir(case_dir, side);
    if (!fs::exists(dir)) continue;
    for (const auto& finding : judge(read_audit_dir(dir))) {
      observations.push_back({side, finding.rule, finding.describe(), finding.portability(), finding.call});
    }
  }
  return observations;
}

}  // namespace sshtc
