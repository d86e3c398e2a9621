// junit.xml: one run for a CI system's test view. One testcase per case, named as ctest names
// it, in one testsuite per server. FAIL, XPASS and NO-VERDICT are failures with the reason;
// SKIP is skipped with the reason; XFAIL and WARN pass, with the verdict and the expectation's
// reference as properties and the reason in system-out.
#pragma once

#include <string>
#include <vector>

#include "../harness/case_record.hpp"

namespace sshtc {

std::string junit_xml(const std::vector<CaseRecord>& records);

}  // namespace sshtc
