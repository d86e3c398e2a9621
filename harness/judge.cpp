#include "judge.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "session.hpp"

namespace sshtc {

Strictness Strictness::from_environment() {
  const char* value = std::getenv("SSHTC_STRICT");
  std::string text = value ? value : "";
  if (text != "" && text != "0" && text != "1") {
    throw std::invalid_argument("SSHTC_STRICT must be 1 (portability findings fail) or 0, not '" + text + "'");
  }
  return {text == "1"};
}

namespace {

// What a client did on a faulty stream that is not the clean failure, or nothing.
std::optional<std::string> fault_outcome(const CaseFacts& facts) {
  if (!facts.hang.empty()) return "it did not end: " + facts.hang;
  if (facts.client_status.code == kSessionFailed) return std::nullopt;
  if (facts.client_status.code == 0) return std::string("it exited 0, as if the session had worked");
  return "it ended with " + facts.client_status.describe() + ", not exit 255 (a failed session, with an error)";
}

}  // namespace

Judgement judge(const CaseFacts& given, const std::vector<Observation>& observed,
                const std::vector<Expectation>& expectations, Strictness strictness) {
  Judgement judgement;
  // Copies: on a fault's column the fault's outcome becomes a finding and the session's state.
  CaseFacts facts = given;
  std::vector<Observation> findings = observed;
  if (facts.noncompliant) return {Verdict::Fail, kNotCompliant + *facts.noncompliant, ""};
  if (facts.unavailable) return {Verdict::Skip, *facts.unavailable, ""};
  if (!facts.harness_error.empty()) {
    return {Verdict::Fail, facts.where + ": " + facts.harness_error, ""};
  }
  if (facts.client_status.code == kCannotDo) {
    return {Verdict::Skip, facts.client + " cannot do " + facts.column + ": " + facts.client_said, ""};
  }

  // Client expectations settle the cell. Server ones (their "client" field names the server)
  // cover the server's known findings, which are about the server and not about this client;
  // a server's session-fails (it cannot serve this transport at all) settles the cell too.
  std::vector<const Expectation*> expected, server_expected, server_refusals;
  for (const auto& e : expectations) {
    if (e.side == "client" && e.covers(facts.client, facts.client_version, facts.transport, facts.server, facts.scenario, facts.test)) {
      expected.push_back(&e);
    }
    if (e.side == "server" && e.covers(facts.server, "", facts.transport, facts.server, facts.scenario, facts.test)) {
      server_expected.push_back(&e);
      if (e.rule == kSessionFails) server_refusals.push_back(&e);
    }
  }
  // The client's own expectations first: the first one seen gives the cell its reason.
  expected.insert(expected.end(), server_refusals.begin(), server_refusals.end());
  auto known = [&](const std::string& rule) {
    return std::any_of(expected.begin(), expected.end(), [&](const Expectation* e) { return e->rule == rule; });
  };

  // On a fault's column the session's failure is the fault's doing, and right when it is clean:
  // the fault's rule judges the outcome, as a finding, and the scenario's checks do not apply.
  // A hang the cell knows may happen (session-may-hang, session-hangs) stays a hang.
  const bool faulted = !facts.fault_rule.empty();
  if (faulted) {
    auto wrong = fault_outcome(facts);
    // A hang the cell knows anyway (mkj/dropbear#379 on its own column) stays a hang.
    const bool may_hang = !facts.hang.empty() && (known(kSessionMayHang) || known(kSessionHangs));
    if (wrong && !may_hang) {
      findings.push_back({"client", facts.fault_rule,
                          facts.fault + ", and the client did not fail cleanly: " + *wrong + " [" + facts.fault_rule + "]"});
    }
    if (!may_hang) {
      facts.hang.clear();
      facts.client_status = ExitStatus{false, 0, 0};
    }
    facts.check_failure.reset();
    facts.client_said = facts.fault;
  }

  std::vector<std::string> errors, warnings, stale;
  // Strict: any finding no expectation covers fails the cell, whatever the session did; one
  // that Linux accepted but other platforms refuse only warns, unless portability is strict.
  for (const auto& finding : findings) {
    const auto& candidates = finding.side == "server" ? server_expected : expected;
    auto covering = std::find_if(candidates.begin(), candidates.end(),
                                 [&](const Expectation* e) { return e->rule == finding.rule; });
    bool covered = covering != candidates.end();
    judgement.findings.push_back({finding, covered ? (*covering)->reference : ""});
    if (finding.side == "server") {
      judgement.server_findings += (judgement.server_findings.empty() ? "" : "; ") + finding.description +
                                   (covered ? " (known: " + (*covering)->reference + ")" : " (UNEXPECTED)");
    }
    if (covered) continue;
    std::string problem = facts.where + ": " + finding.side + " finding: " + finding.description;
    (finding.portability && !strictness.portability_fails ? warnings : errors).push_back(problem);
  }

  // A known finding explains a call, not a failed session: the failure must be known as such
  // (a hang as a hang), or a harmless probe's expectation would hide any regression of its cell.
  const bool hung = !facts.hang.empty();
  const bool session_failed = facts.client_status.code == kSessionFailed || hung;
  std::string xfail;
  const bool hang_known = known(kSessionHangs) || known(kSessionMayHang);
  if (hung && !hang_known) {
    // The scenario may know what the hang means ("the remote never saw EOF on its stdin").
    errors.push_back(facts.where + ": " + facts.hang + (facts.check_failure ? "; " + *facts.check_failure : ""));
  } else if (expected.empty()) {
    if (facts.check_failure) errors.push_back(*facts.check_failure);  // the scenario's checks judge
  } else if (session_failed && !known(kSessionFails) && !hang_known) {
    errors.push_back(facts.where + ": the session failed (" + facts.client_said +
                     "), and no expectation of this cell says it should");
  } else {
    // A server that cannot serve this transport ends the session before the client gets to
    // its known calls: those unseen are no sign of a stale expectation then.
    const bool server_refused = session_failed && !server_refusals.empty();
    for (const Expectation* e : expected) {
      auto seen = std::find_if(findings.begin(), findings.end(), [&](const Observation& finding) {
        return finding.side == e->side && finding.rule == e->rule;
      });
      bool observed = e->rule == kSessionFails                                ? session_failed
                      : e->rule == kSessionHangs || e->rule == kSessionMayHang ? hung
                                                 : seen != findings.end();
      // A fault may end the session before a known call is made: unseen, it is no sign either.
      // Nor is an outcome the base column knows: the fault decides how this session ends.
      const bool fault_came_first = faulted && e->rule != facts.fault_rule;
      if (!observed && (server_refused || e->rule == kSessionMayHang || fault_came_first)) continue;
      if (!observed) {
        stale.push_back(facts.where + ": XPASS: expected " + e->side + " " + e->rule + " (" + e->reference +
                        ", " + e->source + ") but the cell is clean: the expectation is stale, or the " +
                        "suite stopped catching it");
      } else if (xfail.empty()) {
        // Whether the session still worked tells a harmless probe from a fatal call.
        std::string outcome = !facts.fault_rule.empty() ? "the stream's fault: " + facts.fault
                              : hung ? facts.hang
                              : facts.client_status.code == kSessionFailed
                                  ? "the session failed: " + facts.client_said
                                  : "the session still worked (client " + facts.client_status.describe() + ")";
        xfail = e->rule + " [" + e->reference + "]: " +
                (seen != findings.end() ? seen->description + "; " + outcome : outcome);
      }
    }
    // A session that still works has the scenario's own checks to pass, known findings or not.
    if (!session_failed && facts.check_failure) errors.push_back(*facts.check_failure);
  }

  // The worst outcome gives the verdict and the first line; the rest follow it.
  std::vector<std::string> lines;
  for (const auto* group : {&errors, &stale, &warnings}) lines.insert(lines.end(), group->begin(), group->end());
  judgement.verdict = !errors.empty()   ? Verdict::Fail
                      : !stale.empty()  ? Verdict::XPass
                      : !warnings.empty() ? Verdict::Warn
                      : !xfail.empty()  ? Verdict::XFail
                                        : Verdict::Pass;
  if (!xfail.empty()) lines.push_back(judgement.verdict == Verdict::XFail ? xfail : "also known: " + xfail);
  for (const auto& line : lines) judgement.reason += (judgement.reason.empty() ? "" : "\n") + line;
  if (judgement.verdict == Verdict::Fail || judgement.verdict == Verdict::XPass) {
    judgement.reason += "\n" + facts.evidence;
  }
  return judgement;
}

}  // namespace sshtc
