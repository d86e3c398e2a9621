// The verdict of one case, and of a cell (the worst of its cases). Listed from the mildest to
// the worst: that order combines cases into cells, and the last three fail the gate.
#pragma once

#include <optional>
#include <string>

namespace sshtc {

enum class Verdict {
  Skip,       // the cell cannot run here, or the client cannot do it (it says why)
  Pass,       // the session did its work and the audit found nothing
  XFail,      // a known finding (fixtures/expectations.txt) was seen, as expected
  Warn,       // an unknown portability finding: Linux accepted the call, other platforms refuse it
  XPass,      // a known finding was not seen: the expectation is stale
  Fail,       // an unknown finding, a broken session, a hang
  NoVerdict,  // the case did not run to its verdict: set-up failed, ctest stopped, it crashed
};

std::string to_string(Verdict verdict);  // "PASS", "NO-VERDICT"
std::optional<Verdict> parse_verdict(const std::string& text);
Verdict worse(Verdict a, Verdict b);
bool fails_gate(Verdict verdict);

}  // namespace sshtc
