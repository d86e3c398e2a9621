// The rule ids the audit rules find in some records, in finding order: what tests compare.
#pragma once

#include <string>
#include <vector>

#include "audit_rules.hpp"

namespace sshtc::audit_test {

using RuleIds = std::vector<std::string>;

inline RuleIds rule_ids(const std::vector<AuditRecord>& records) {
  RuleIds ids;
  for (const Finding& finding : judge(records)) ids.push_back(finding.rule);
  return ids;
}

}  // namespace sshtc::audit_test
