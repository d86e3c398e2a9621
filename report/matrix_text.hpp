// The conformance matrix as text: one row per client, one column per transport, a cell's
// verdict with a numbered note saying why when it is not a plain PASS.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "../harness/case_record.hpp"

namespace sshtc {

struct Matrix {
  std::string text;
  bool gate_passed = true;  // no FAIL, XPASS or NO-VERDICT anywhere
  int cells = 0;
  std::string verdict_counts;  // of the cases: "250 PASS, 40 XFAIL, 22 SKIP"
};

// A cell's verdict is the worst of its cases' (verdict.hpp's order).
// A server's version, where known, heads its tables: "server sshd-i (OpenSSH_9.2)".
Matrix render_matrix(const std::vector<CaseRecord>& records,
                     const std::map<std::string, std::string>& server_versions = {});

}  // namespace sshtc
