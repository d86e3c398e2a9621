// What the audit saw in one session, judged: the findings of the client's and the server's
// socket calls (audit/ has the preload library and the rules).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "../audit/audit_record.hpp"
#include "../base/process.hpp"

namespace sshtc {

struct Observation {
  std::string side;         // client or server
  std::string rule;         // the rule id: tcp-option-on-non-tcp, ...
  std::string description;  // the call, level, option, result, errno, descriptor, library
  bool portability = false;  // Linux accepted the call; other platforms refuse it (WARN)
  AuditRecord call{};        // the call itself, field by field, for the reports
};

// A finding as judged: with the reference of the expectation that covers it, "" when none does.
struct JudgedFinding {
  Observation observation;
  std::string expectation;
};

// The audit directory of one side of a case.
std::filesystem::path audit_dir(const std::filesystem::path& case_dir, const std::string& side);

std::vector<Observation> audit_findings(const std::filesystem::path& case_dir);

}  // namespace sshtc
