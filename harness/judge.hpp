// The verdict of one case, decided in one place from what the session did, what the audit saw
// and what the expectations say. Pure: no server, no files, no gtest; selftest/judge_test.cpp
// holds it to the README's verdict table, one row per rule.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit_findings.hpp"
#include "expectations.hpp"
#include "../base/process.hpp"
#include "verdict.hpp"

namespace sshtc {

// One case of the matrix, as the verdict needs it.
struct CaseFacts {
  std::string where;  // "libssh over socketpair (sshd-i), exec `echo 1f2e`": starts a FAIL's reason
  std::string client;
  std::string client_version;
  std::string transport;
  std::string server;
  std::string column;  // as the matrix shows it: "socketpair", "socketpair@dropbear-i"
  std::string scenario;
  std::string test;    // the case: "EchoRoundTrip"

  std::optional<std::string> noncompliant;  // the adapter failed the compliance probe: its answer
  std::optional<std::string> unavailable;   // the machine cannot give this cell (SKIP)
  std::string harness_error;  // "the harness could not run the session: …", or its audit, or the expectations
  ExitStatus client_status;                // the adapter's exit: 0, 3, 255, 89 (cannot), killed
  std::string hang;                        // the client hung: how (SessionResult::hang_description)
  std::string client_said;                 // the adapter's first line of stderr
  std::optional<std::string> check_failure;  // the scenario's own check, when it failed
  std::string evidence;                    // logs appended to a failure's reason
  // On a fault's column (truncate, garbage, stall): the fault's rule, and what the fault did
  // ("the stream was cut 37 bytes after the server's NEWKEYS"). A clean failure (exit 255
  // inside the deadline and the EOF grace) is then right, and anything else a finding of it.
  std::string fault_rule;
  std::string fault;
};

// The start of the reason of every cell of a client that failed the compliance probe: the report
// shows such a row as one row-level error.
inline const std::string kNotCompliant = "not a compliant adapter: ";

struct Judgement {
  Verdict verdict = Verdict::NoVerdict;
  std::string reason;  // the first line says it; empty for PASS
  // The server's findings, "; "-separated, each "(known: reference)" or "(UNEXPECTED)".
  std::string server_findings;
  std::vector<JudgedFinding> findings{};  // every finding of the case
};

// Strictness as data: whether an unknown portability finding fails the cell (SSHTC_STRICT=1,
// scripts/conformance --strict) or only warns.
struct Strictness {
  bool portability_fails = false;
  static Strictness from_environment();  // throws on a value of SSHTC_STRICT other than 0 or 1
};

Judgement judge(const CaseFacts& facts, const std::vector<Observation>& findings,
                const std::vector<Expectation>& expectations, Strictness strictness);

}  // namespace sshtc
