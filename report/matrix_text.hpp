// The conformance matrix as text: one row per client, one column per transport, a cell's
// verdict with a numbered note saying why when it is not a plain PASS.
#pragma once

#include <string>
#include <vector>

#include "../harness/case_record.hpp"

namespace sshtc {

struct Matrix {
  std::string text;
  bool gate_passed = true;  // no FAIL and no XPASS anywhere
  int cells = 0;
};

Matrix render_matrix(const std::vector<CaseRecord>& records);

// The verdict of a cell from the verdicts of its cases: the worst one wins.
std::string combine_verdicts(const std::string& a, const std::string& b);

}  // namespace sshtc
