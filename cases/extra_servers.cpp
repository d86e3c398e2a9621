// A server of the user's own through SSHTC_EXTRA_SERVERS, the way a client comes in through
// SSHTC_EXTRA_CLIENTS: its cells are a table of their own, they work, and the server is audited
// like the suite's own (sshd's getpeername on a pipe is a finding no expectation covers there).
#include <gtest/gtest.h>

#include "child_matrix.hpp"
#include "matrix.hpp"

namespace sshtc {
namespace {

TEST(ExtraServers, AServerOfTheUsersOwnIsATableOfItsOwnAndAudited) {
  expect_child_matrix(
      RunContext::get().run.case_dir("ExtraServers"), {},
      {{{"libssh", "socketpair", "wrapped-sshd"}, Verdict::Pass, {}},
       {{"libssh-proxycommand", "pipe", "wrapped-sshd"}, Verdict::Fail,
        {"libssh-proxycommand over pipe (wrapped-sshd)", "server finding: getpeername(fd",
         "[pipe, not transport]) = -1 ENOTSOCK from sshd [socket-call-on-non-socket]"}}},
      {{"SSHTC_EXTRA_SERVERS", "wrapped-sshd=" SSHTC_SELFTEST_ADAPTERS "/wrapped-sshd.sh"}});
}

// A server adapter is probed like a client before it gets cells: one that ignores the scenario
// fails every cell of its table with what it answered, and serves no session.
TEST(ExtraServers, AServerThatFailsTheComplianceProbeIsNamedWithItsAnswer) {
  expect_child_matrix(
      RunContext::get().run.case_dir("ExtraServersProbe"), {},
      {{{"libssh", "socketpair", "deaf-server"}, Verdict::Fail,
        {"not a compliant adapter: the server deaf-server: asked for the unknown scenario "
         "'sshtc-compliance-probe', it answered exit 0, not exit 89 with a reason: hello"}}},
      {{"SSHTC_EXTRA_SERVERS", "deaf-server=" SSHTC_SELFTEST_ADAPTERS "/ignores-scenario.sh"}});
}

}  // namespace
}  // namespace sshtc
