#include "audit_findings.hpp"

#include "../audit/audit_record.hpp"
#include "../audit/audit_rules.hpp"

namespace fs = std::filesystem;

namespace sshtc {

fs::path audit_dir(const fs::path& case_dir, const std::string& side) {
  return case_dir / ("audit-" + side);
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
