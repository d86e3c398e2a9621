// The bug that started the suite, reproduced with the real library, and the planted control
// that proves the suite can fail. Each asserts the whole story, not just a verdict.
#include <gtest/gtest.h>

#include <cstdlib>

#include "../harness/audit_backend.hpp"
#include "../harness/audit_findings.hpp"
#include "matrix.hpp"
#include "../transports/transport.hpp"

namespace sshtc {
namespace {

struct AuditedRun {
  SessionResult session;
  std::vector<Observation> findings;
  std::string all_findings() const {
    std::string text;
    for (const auto& finding : findings) text += finding.side + ": " + finding.description + "\n";
    return text;
  }
  std::vector<Observation> client_findings() const {
    std::vector<Observation> client;
    for (const auto& finding : findings) {
      if (finding.side == "client") client.push_back(finding);
    }
    return client;
  }
  bool has(const std::string& rule, const std::string& text) const {
    for (const auto& finding : findings) {
      if (finding.side == "client" && finding.rule == rule &&
          finding.description.find(text) != std::string::npos) {
        return true;
      }
    }
    return false;
  }
};

AuditedRun run(const std::string& client, const std::string& transport, const std::string& label) {
  const RunContext& context = RunContext::get();
  SessionRequest request{"exec", "echo 688"};
  AuditedRun result;
  result.session = run_session(context.run, find_client(client), *find_transport(transport),
                               find_server(kReferenceServer), request, context.run.case_dir("Regression." + label));
  result.findings = audit_findings(result.session.dir);
  return result;
}

// Sets one of the harness's variables (SSHTC_ERRNO_PROFILE, SSHTC_AUDIT) for the sessions
// started while it lives.
class Setting {
 public:
  Setting(const char* variable, const char* value) : variable_(variable) { ::setenv(variable, value, 1); }
  ~Setting() { ::unsetenv(variable_); }
  Setting(const Setting&) = delete;
  Setting& operator=(const Setting&) = delete;

 private:
  const char* variable_;
};

TEST(Regression, ReproducesAsyncsshIssue688) {
  AuditedRun unpatched = run("asyncssh", "socketpair", "asyncssh-688-linux");
  if (unpatched.session.client.code == kCannotDo) GTEST_SKIP() << unpatched.session.client_stderr;

  // Linux: the handshake dies, and the audit names the call that killed it.
  EXPECT_EQ(unpatched.session.client.code, kSessionFailed) << unpatched.session.evidence();
  EXPECT_TRUE(unpatched.has("tcp-option-on-non-tcp", "IPPROTO_TCP, TCP_NODELAY) = -1 EOPNOTSUPP"))
      << unpatched.all_findings();
  EXPECT_TRUE(unpatched.has("tcp-option-on-non-tcp", "AF_UNIX")) << unpatched.all_findings();
  EXPECT_TRUE(unpatched.has("tcp-option-on-non-tcp", "python")) << unpatched.all_findings();

  // The report's own words, from an OpenBSD-like errno: "Protocol not available".
  {
    Setting openbsd("SSHTC_ERRNO_PROFILE", "openbsd");
    AuditedRun reported = run("asyncssh", "socketpair", "asyncssh-688-openbsd");
    EXPECT_EQ(reported.session.client.code, kSessionFailed) << reported.session.evidence();
    EXPECT_TRUE(reported.has("tcp-option-on-non-tcp", "TCP_NODELAY) = -1 ENOPROTOOPT"))
        << reported.all_findings();
    EXPECT_NE(reported.session.client_stderr.find("Protocol not available"), std::string::npos)
        << reported.session.client_stderr;
  }

  // Upstream's fix (dcd1c61), applied in-process: the same cell passes, no finding left.
  AuditedRun fixed = run("asyncssh+fix", "socketpair", "asyncssh-688-fixed");
  EXPECT_EQ(fixed.session.client.code, 0) << fixed.session.evidence();
  EXPECT_EQ(fixed.session.client_stdout, "688\n");
  EXPECT_TRUE(fixed.findings.empty()) << fixed.all_findings();
}

TEST(Regression, PlantedControlIsCaughtOnEveryNonTcpTransport) {
  for (const auto& transport : all_transports()) {
    if (transport->unavailable()) continue;
    AuditedRun planted = run("planted-nodelay", transport->name(), "planted-" + transport->name());
    const std::string& name = transport->name();
    // Multipath TCP takes the TCP options: the control's calls are correct there, as on tcp.
    if (name == "tcp4" || name == "tcp6" || name == "mptcp") {
      EXPECT_EQ(planted.session.client.code, 0) << name << "\n" << planted.session.evidence();
      EXPECT_TRUE(planted.findings.empty()) << name << "\n" << planted.all_findings();
    } else if (name == "pipe") {
      EXPECT_TRUE(planted.has("socket-call-on-non-socket", "SO_KEEPALIVE) = -1 ENOTSOCK"))
          << name << "\n" << planted.all_findings();
    } else {
      // AF_UNIX answers EOPNOTSUPP; AF_VSOCK, which knows no level but its own, ENOPROTOOPT.
      bool vsock = name == "vsock";
      std::string error = vsock ? "ENOPROTOOPT" : "EOPNOTSUPP";
      std::string text = vsock ? "Protocol not available" : "Operation not supported";
      EXPECT_EQ(planted.session.client.code, kSessionFailed) << name;
      EXPECT_TRUE(planted.has("tcp-option-on-non-tcp", "IPPROTO_TCP, TCP_NODELAY) = -1 " + error))
          << name << "\n" << planted.all_findings();
      EXPECT_NE(planted.session.client_stderr.find("TCP_NODELAY): " + text), std::string::npos)
          << name << "\n" << planted.session.client_stderr;
    }
  }
}

// The syscall audit's own control: the preload alone misses the raw call on every transport,
// the syscall backend catches it on every non-TCP one, named and marked as made without libc.
// Only the control's own call is asserted: the client it runs has findings of its own.
TEST(Regression, RawSyscallControlIsSeenOnlyByTheSyscallAudit) {
  const RunContext& context = RunContext::get();
  const AuditChoice audit = audit_choice(context.run);
  if (!audit.syscall()) GTEST_SKIP() << "the run's audit is " << audit.describe();
  const std::string control = "from sshtc-planted-raw-nodelay";
  for (const auto& transport : all_transports()) {
    if (transport->unavailable()) continue;
    const std::string& name = transport->name();
    // libssh takes no pipe pair: the call is made, then the session is refused.
    const int session = name == "pipe" ? kCannotDo : 0;
    AuditedRun missed = [&] {
      Setting preload_only("SSHTC_AUDIT", "preload");
      return run("planted-raw-nodelay", name, "planted-raw-preload-" + name);
    }();
    EXPECT_EQ(missed.session.client.code, session) << name << "\n" << missed.session.evidence();
    EXPECT_FALSE(missed.has("tcp-option-on-non-tcp", control)) << name << "\n" << missed.all_findings();

    AuditedRun caught = run("planted-raw-nodelay", name, "planted-raw-" + name);
    EXPECT_EQ(caught.session.client.code, session) << name << "\n" << caught.session.evidence();
    if (name == "tcp4" || name == "tcp6" || name == "mptcp") {
      EXPECT_TRUE(caught.client_findings().empty()) << name << "\n" << caught.all_findings();
      continue;
    }
    const std::string error = name == "pipe" ? "ENOTSOCK" : name == "vsock" ? "ENOPROTOOPT" : "EOPNOTSUPP";
    EXPECT_TRUE(caught.has("tcp-option-on-non-tcp", "IPPROTO_TCP, TCP_NODELAY) = -1 " + error + " " + control +
                                                        " (raw syscall, not through libc)"))
        << name << "\n" << caught.all_findings();
  }
}

// Go's net package makes its calls without libc: on tcp it sets TCP_NODELAY and the keepalive
// options on every connection it dials. The preload sees none of them; the syscall backend sees
// them all, made from the adapter's own executable, raw, and correct on TCP.
TEST(Regression, GoCallsAreSeenOnlyByTheSyscallAudit) {
  const RunContext& context = RunContext::get();
  const AuditChoice audit = audit_choice(context.run);
  if (!audit.syscall()) GTEST_SKIP() << "the run's audit is " << audit.describe();
  auto client_records = [](const AuditedRun& run) { return read_audit_dir(audit_dir(run.session.dir, "client")); };
  AuditedRun missed = [&] {
    Setting preload_only("SSHTC_AUDIT", "preload");
    return run("go-x-crypto", "tcp4", "go-preload-tcp4");
  }();
  if (missed.session.client.code == kCannotDo) GTEST_SKIP() << missed.session.client_stderr;
  EXPECT_EQ(missed.session.client.code, 0) << missed.session.evidence();
  EXPECT_TRUE(client_records(missed).empty());

  AuditedRun seen = run("go-x-crypto", "tcp4", "go-both-tcp4");
  EXPECT_EQ(seen.session.client.code, 0) << seen.session.evidence();
  bool nodelay = false;
  for (const AuditRecord& record : client_records(seen)) {
    EXPECT_TRUE(record.raw) << record.call << " " << record.caller;
    if (record.option == "TCP_NODELAY" && record.family == "AF_INET" && record.ret == 0) nodelay = true;
  }
  EXPECT_TRUE(nodelay) << "no TCP_NODELAY from Go's dial seen";
  EXPECT_TRUE(seen.client_findings().empty()) << seen.all_findings();
}

}  // namespace
}  // namespace sshtc
