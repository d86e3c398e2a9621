// The verdict table (README, "Reading the matrix") as data: each row is one rule of
// harness/judge, with what the session did, what the audit saw, what the expectations say,
// and the verdict and reason that must follow. No server, no files: `ctest -L verdict`.
#include <gtest/gtest.h>

#include <functional>

#include "../harness/judge.hpp"

namespace sshtc {
namespace {

const Observation kNodelayOnUnix{"client", "tcp-option-on-non-tcp",
                                 "setsockopt(fd 4 [AF_UNIX/SOCK_STREAM, transport], IPPROTO_TCP, "
                                 "TCP_NODELAY) = -1 EOPNOTSUPP from python3.11 [tcp-option-on-non-tcp]"};
const Observation kPeernameOnPipe{"server", "socket-call-on-non-socket",
                                  "getpeername(fd 0 [pipe, transport]) = -1 ENOTSOCK from sshd "
                                  "[socket-call-on-non-socket]"};
const Observation kTosOnV6{"client", "ip-option-on-non-inet",
                           "setsockopt(fd 3 [AF_INET6/SOCK_STREAM/IPPROTO_TCP, transport], IPPROTO_IP, "
                           "IP_TOS) = 0 from dbclient [ip-option-on-non-inet] (Linux accepts it, but "
                           "refused on openbsd, freebsd, macos: EINVAL)",
                           true};

Expectation client_expects(const std::string& rule, const std::string& transports = "socketpair",
                           const std::string& versions = "*") {
  return {"asyncssh", versions, {transports}, "client", rule, "ronf/asyncssh#688", "why", "expect.txt:7"};
}
Expectation server_expects(const std::string& rule) {
  return {"sshd-i", "*", {"socketpair"}, "server", rule, "openssh packet.c", "why", "expect.txt:9"};
}

// asyncssh 2.10.1 over socketpair against sshd -i; the session worked and the check passed.
CaseFacts worked() {
  CaseFacts facts;
  facts.where = "asyncssh over socketpair (sshd-i), exec `echo 1f`";
  facts.client = "asyncssh";
  facts.client_version = "asyncssh 2.10.1";
  facts.transport = "socketpair";
  facts.server = "sshd-i";
  facts.column = "socketpair";
  facts.scenario = "exec";
  facts.test = "EchoRoundTrip";
  facts.client_status.code = 0;
  facts.evidence = "client exit 0; stderr: (the logs)";
  return facts;
}
CaseFacts failed() {
  CaseFacts facts = worked();
  facts.client_status.code = 255;
  facts.client_said = "asyncssh adapter: session failed: connection lost";
  facts.check_failure = facts.where + ": client exit 255, expected exit 0";
  return facts;
}
CaseFacts hung() {
  CaseFacts facts = worked();
  facts.client_status = {true, -1, 9};
  facts.hang = "the server exited (exit 0) and the client was still running 3.0 s later (killed)";
  facts.check_failure = facts.where + ": client timed out, expected exit 0";
  return facts;
}

// The same client on a fault's column: the stream was cut in the middle of the session.
CaseFacts on_a_cut(CaseFacts facts) {
  facts.transport = facts.column = "socketpair~truncate";
  facts.fault_rule = "truncation-not-noticed";
  facts.fault = "the stream was cut 37 bytes after the server's NEWKEYS";
  return facts;
}
const Observation kStdoutLeftNonblocking{"client", "nonblock-left-on-shared-stdio",
                                         "O_NONBLOCK left set on its stdout (fd 1, a file it shares with its parent, "
                                         "handed over blocking) [nonblock-left-on-shared-stdio]"};

struct Row {
  const char* rule;  // the README's words for it
  std::function<CaseFacts()> facts;
  std::vector<Observation> findings;
  std::vector<Expectation> expectations;
  bool strict;
  Verdict verdict;
  std::vector<std::string> reason_has;
  std::string server_findings = "";
};

const std::vector<Row> kTable = {
    {"FAIL: the adapter failed the compliance probe, whatever the cell",
     [] { auto f = worked(); f.noncompliant = "it answered exit 0"; f.unavailable = "no IPv6"; return f; },
     {}, {}, false, Verdict::Fail, {"not a compliant adapter: it answered exit 0"}},
    {"SKIP: the machine cannot provide the transport",
     [] { auto f = worked(); f.unavailable = "tcp6: the kernel has no IPv6"; return f; },
     {}, {}, false, Verdict::Skip, {"tcp6: the kernel has no IPv6"}},
    {"SKIP: the client cannot use this transport (exit 89, it says why)",
     [] { auto f = worked(); f.client_status.code = 89; f.client_said = "one descriptor only"; return f; },
     {}, {}, false, Verdict::Skip, {"asyncssh cannot do socketpair: one descriptor only"}},
    {"PASS: the session worked and the audit found nothing", worked, {}, {}, false, Verdict::Pass, {}},
    {"FAIL: the harness could not run the session",
     [] { auto f = worked(); f.harness_error = "the harness could not run the session: no sshd"; return f; },
     {}, {}, false, Verdict::Fail, {"asyncssh over socketpair (sshd-i), exec `echo 1f`: the harness could not"}},
    {"FAIL: a finding no expectation covers, though the session worked", worked, {kNodelayOnUnix}, {}, false,
     Verdict::Fail, {"exec `echo 1f`: client finding: setsockopt(fd 4", "(the logs)"}},
    {"FAIL: a server finding no server expectation covers", worked, {kPeernameOnPipe}, {}, false,
     Verdict::Fail, {"server finding: getpeername(fd 0 [pipe, transport])"},
     kPeernameOnPipe.description + " (UNEXPECTED)"},
    {"PASS: a server finding its server's expectation covers is reported, not the client's", worked,
     {kPeernameOnPipe}, {server_expects("socket-call-on-non-socket")}, false, Verdict::Pass, {},
     kPeernameOnPipe.description + " (known: openssh packet.c)"},
    {"FAIL: the scenario's check failed, nothing expected", failed, {}, {}, false, Verdict::Fail,
     {"client exit 255, expected exit 0"}},
    {"FAIL: the client hung and no session-hangs expectation knows it", hung, {}, {}, false, Verdict::Fail,
     {"exec `echo 1f`: the server exited (exit 0) and the client was still running"}},
    {"FAIL: a hang says what the scenario's check makes of it", hung, {}, {}, false, Verdict::Fail,
     {"3.0 s later (killed); ", ": client timed out, expected exit 0"}},
    {"XFAIL: a known hang", hung, {}, {client_expects("session-hangs")}, false, Verdict::XFail,
     {"session-hangs [ronf/asyncssh#688]: the server exited"}},
    {"XFAIL: a hang known to happen in some runs", hung, {}, {client_expects("session-may-hang")}, false,
     Verdict::XFail, {"session-may-hang [ronf/asyncssh#688]: the server exited"}},
    {"PASS: a run without the hang that happens in some: no stale line", worked, {},
     {client_expects("session-may-hang")}, false, Verdict::Pass, {}},
    {"XFAIL: a hang known for this one case", hung, {},
     {[] { auto e = client_expects("session-hangs"); e.scenarios = {"exec/EchoRoundTrip"}; return e; }()}, false,
     Verdict::XFail, {"session-hangs [ronf/asyncssh#688]"}},
    {"FAIL: a hang known for another case of the scenario covers nothing", hung, {},
     {[] { auto e = client_expects("session-hangs"); e.scenarios = {"exec/EndsWhenItsReaderQuits"}; return e; }()},
     false, Verdict::Fail, {"the client was still running"}},
    {"XFAIL: a known finding was seen and the session still worked", worked, {kNodelayOnUnix},
     {client_expects("tcp-option-on-non-tcp")}, false, Verdict::XFail,
     {"tcp-option-on-non-tcp [ronf/asyncssh#688]: setsockopt(fd 4", "the session still worked (client exit 0)"}},
    {"FAIL: a known harmless finding does not excuse a failed check",
     [] { auto f = worked(); f.check_failure = "stdout was 'x', expected '1f'"; return f; }, {kNodelayOnUnix},
     {client_expects("tcp-option-on-non-tcp")}, false, Verdict::Fail, {"stdout was 'x', expected '1f'"}},
    {"FAIL: a known finding does not excuse a failed session", failed, {kNodelayOnUnix},
     {client_expects("tcp-option-on-non-tcp")}, false, Verdict::Fail,
     {"the session failed (asyncssh adapter: session failed: connection lost), and no expectation of this "
      "cell says it should"}},
    {"XFAIL: a known fatal finding, the failure known too", failed, {kNodelayOnUnix},
     {client_expects("tcp-option-on-non-tcp"), client_expects("session-fails")}, false, Verdict::XFail,
     {"tcp-option-on-non-tcp [ronf/asyncssh#688]: setsockopt", "the session failed: asyncssh adapter"}},
    {"XPASS: a known finding was not seen: the expectation is stale", worked, {},
     {client_expects("tcp-option-on-non-tcp")}, false, Verdict::XPass,
     {"XPASS: expected client tcp-option-on-non-tcp (ronf/asyncssh#688, expect.txt:7) but the cell is clean"}},
    {"XPASS: a session expected to fail worked", worked, {}, {client_expects("session-fails")}, false,
     Verdict::XPass, {"XPASS: expected client session-fails"}},
    {"XFAIL: a server that cannot serve the transport; the client's known calls never came", failed, {},
     {client_expects("tcp-option-on-non-tcp"), server_expects("session-fails")}, false, Verdict::XFail,
     {"session-fails [openssh packet.c]: the session failed"}},
    {"FAIL: an expectation for other versions covers nothing", worked, {kNodelayOnUnix},
     {client_expects("tcp-option-on-non-tcp", "socketpair", ">=2.18.0")}, false, Verdict::Fail,
     {"client finding: setsockopt(fd 4"}},
    {"FAIL: an expectation for another server's column covers nothing", worked, {kNodelayOnUnix},
     {client_expects("tcp-option-on-non-tcp", "socketpair@dropbear-i")}, false, Verdict::Fail,
     {"client finding"}},
    {"FAIL: an expectation for another scenario covers nothing", worked, {kNodelayOnUnix},
     {[] { auto e = client_expects("tcp-option-on-non-tcp"); e.scenarios = {"sftp"}; return e; }()}, false,
     Verdict::Fail, {"client finding"}},
    {"XFAIL: a glob column covers its server's cells", worked, {kNodelayOnUnix},
     {client_expects("tcp-option-on-non-tcp", "*@sshd-i")}, false, Verdict::XFail, {"tcp-option-on-non-tcp"}},
    {"WARN: a call Linux accepted but other platforms refuse", worked, {kTosOnV6}, {}, false, Verdict::Warn,
     {"client finding: setsockopt(fd 3 [AF_INET6", "refused on openbsd, freebsd, macos: EINVAL"}},
    {"FAIL: the same, strict", worked, {kTosOnV6}, {}, true, Verdict::Fail, {"refused on openbsd"}},
    {"XFAIL: a known portability finding", worked, {kTosOnV6}, {client_expects("ip-option-on-non-inet")}, false,
     Verdict::XFail, {"ip-option-on-non-inet [ronf/asyncssh#688]"}},
    {"WARN beside XFAIL: the news first, the known finding after", worked, {kNodelayOnUnix, kTosOnV6},
     {client_expects("tcp-option-on-non-tcp")}, false, Verdict::Warn,
     {"client finding: setsockopt(fd 3 [AF_INET6", "\nalso known: tcp-option-on-non-tcp"}},
    {"PASS: on a fault's column, a clean failure (exit 255) is right; the scenario's check does not apply",
     [] { return on_a_cut(failed()); }, {}, {}, false, Verdict::Pass, {}},
    {"FAIL: on a fault's column, a client that exits 0", [] { return on_a_cut(worked()); }, {}, {}, false,
     Verdict::Fail,
     {"client finding: the stream was cut 37 bytes after the server's NEWKEYS, and the client did not fail cleanly: "
      "it exited 0, as if the session had worked [truncation-not-noticed]"}},
    {"FAIL: on a fault's column, a client that hangs", [] { return on_a_cut(hung()); }, {}, {}, false, Verdict::Fail,
     {"did not fail cleanly: it did not end: the server exited (exit 0) and the client was still running",
      "[truncation-not-noticed]"}},
    {"FAIL: on a fault's column, a client that crashes",
     [] { auto f = on_a_cut(failed()); f.client_status = {false, -1, 11}; return f; }, {}, {}, false, Verdict::Fail,
     {"it ended with killed by SIGSEGV, not exit 255"}},
    {"XFAIL: a client's known failure to notice the fault", [] { return on_a_cut(hung()); }, {},
     {client_expects("truncation-not-noticed", "*~truncate")}, false, Verdict::XFail,
     {"truncation-not-noticed [ronf/asyncssh#688]: the stream was cut", "the stream's fault: the stream was cut"}},
    {"XFAIL: on a fault's column, a hang known to happen in some runs stays a hang", [] { return on_a_cut(hung()); },
     {}, {client_expects("session-may-hang", "*~truncate")}, false, Verdict::XFail, {"session-may-hang"}},
    {"PASS: on a fault's column, a known call the fault came before is no stale line", [] { return on_a_cut(failed()); },
     {}, {client_expects("tcp-option-on-non-tcp")}, false, Verdict::Pass, {}},
    {"PASS: on a fault's column, the base's known hang that the fault forestalled is no stale line",
     [] { return on_a_cut(failed()); }, {}, {client_expects("session-hangs")}, false, Verdict::Pass, {}},
    {"XFAIL: on a fault's column, the base's known hang, when it happens, stays that hang",
     [] { return on_a_cut(hung()); }, {}, {client_expects("session-hangs")}, false, Verdict::XFail,
     {"session-hangs [ronf/asyncssh#688]"}},
    {"FAIL: the client left its shared stdout non-blocking", worked, {kStdoutLeftNonblocking}, {}, false, Verdict::Fail,
     {"client finding: O_NONBLOCK left set on its stdout (fd 1"}},
    {"XFAIL: a known stdio left non-blocking", worked, {kStdoutLeftNonblocking},
     {client_expects("nonblock-left-on-shared-stdio")}, false, Verdict::XFail, {"nonblock-left-on-shared-stdio"}},
    {"FAIL beside XPASS: the unknown finding first, the stale expectation after", worked, {kNodelayOnUnix},
     {client_expects("session-fails")}, false, Verdict::Fail,
     {"client finding: setsockopt(fd 4", "\nasyncssh over socketpair (sshd-i), exec `echo 1f`: XPASS"}},
};

TEST(Judge, EveryRowOfTheVerdictTable) {
  for (const Row& row : kTable) {
    Judgement got = judge(row.facts(), row.findings, row.expectations, Strictness{row.strict});
    EXPECT_EQ(to_string(got.verdict), to_string(row.verdict)) << row.rule << "\nreason: " << got.reason;
    for (const auto& text : row.reason_has) {
      EXPECT_NE(got.reason.find(text), std::string::npos)
          << row.rule << "\nthe reason does not say '" << text << "':\n" << got.reason;
    }
    EXPECT_EQ(got.server_findings, row.server_findings) << row.rule;
    if (got.verdict == Verdict::Pass) {
      EXPECT_EQ(got.reason, "") << row.rule;
    }
  }
}

TEST(Judge, EveryVerdictHasARow) {
  std::vector<Verdict> seen;
  for (const Row& row : kTable) seen.push_back(row.verdict);
  for (Verdict v : {Verdict::Skip, Verdict::Pass, Verdict::XFail, Verdict::Warn, Verdict::XPass, Verdict::Fail}) {
    EXPECT_NE(std::find(seen.begin(), seen.end(), v), seen.end()) << to_string(v) << " has no row";
  }
}

TEST(Judge, StrictnessIsReadFromTheEnvironmentAndBadValuesAreNamed) {
  ::setenv("SSHTC_STRICT", "1", 1);
  EXPECT_TRUE(Strictness::from_environment().portability_fails);
  ::setenv("SSHTC_STRICT", "yes", 1);
  try {
    Strictness::from_environment();
    ADD_FAILURE() << "SSHTC_STRICT=yes was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "SSHTC_STRICT must be 1 (portability findings fail) or 0, not 'yes'");
  }
  ::unsetenv("SSHTC_STRICT");
  EXPECT_FALSE(Strictness::from_environment().portability_fails);
}

TEST(Verdicts, NamesRoundTripAndTheLastThreeFailTheGate) {
  for (int i = 0; i <= static_cast<int>(Verdict::NoVerdict); ++i) {
    Verdict v = static_cast<Verdict>(i);
    EXPECT_EQ(parse_verdict(to_string(v)), v);
    EXPECT_EQ(fails_gate(v), v == Verdict::XPass || v == Verdict::Fail || v == Verdict::NoVerdict) << to_string(v);
  }
  EXPECT_EQ(parse_verdict("NO-VERDICT"), Verdict::NoVerdict);
  EXPECT_EQ(parse_verdict("pass"), std::nullopt);
}

}  // namespace
}  // namespace sshtc
