// The catalog's bugs of hostile streams (../shared/bug-catalog.md), each a case named for it
// and run on the variant that reproduces it, with the real client. Where the installed version
// has the bug, its cell reads XFAIL with the reference; where it was fixed, PASS, which would
// catch its return (the controls of stream_controls.cpp show each of these cells can fail).
#include <gtest/gtest.h>

#include "child_matrix.hpp"
#include "matrix.hpp"

namespace sshtc {
namespace {

void expect_cells(const std::string& name, const std::vector<ExpectedCell>& cells) {
  expect_child_matrix(RunContext::get().run.case_dir("StreamRegression." + name), {}, cells,
                      {{"SSHTC_TIMEOUT_SECONDS", "6"}});
}

// paramiko/paramiko#673 (1.16.0, fixed in 1.16.3): its ProxyCommand read swallowed the first
// packet into the identification line's read. coalesce hands the line and KEXINIT over in one
// read; paramiko 2.12 takes them apart, directly and behind its ProxyCommand.
TEST(StreamRegressions, Paramiko673TheBannerAndTheKexinitInOneRead) {
  expect_cells("Paramiko673", {{{"paramiko", "socketpair~coalesce"}, Verdict::Pass, {}},
                               {{"paramiko-proxycommand", "pipe~coalesce"}, Verdict::Pass, {}}});
}

// paramiko/paramiko#252 (fixed in 1.11.4): ProxyCommand.recv dropped bytes when its timeout
// fired on a slow command. drip is that slow command.
TEST(StreamRegressions, Paramiko252ASlowProxyCommandLosesNothing) {
  expect_cells("Paramiko252", {{{"paramiko-proxycommand", "pipe~drip"}, Verdict::Pass, {}},
                               {{"paramiko-proxycommand", "socketpair~drip"}, Verdict::Pass, {}}});
}

// libssh T81 (before 0.8.0): its ProxyCommand connector ignored POLLHUP on the pipe and hung.
// On halfclose the server's side ends while the client's writes are still taken.
TEST(StreamRegressions, LibsshT81EndsOnTheEofOfItsProxyPipe) {
  expect_cells("LibsshT81", {{{"libssh-proxycommand", "pipe~halfclose"}, Verdict::Pass, {}},
                             {{"libssh-proxycommand", "pipe~truncate"}, Verdict::Pass, {}}});
}

// smallstep/cli#1641, gravitational/teleport#39387: a stdio tunnel that never half-closes, so
// that its client never sees the end. On halfclose and truncate the real clients end; the
// control that never hears of the end (StreamControls) is caught there.
TEST(StreamRegressions, Smallstep1641Teleport39387TheEndOfTheStreamIsSeen) {
  expect_cells("HalfClose", {{{"openssh", "socketpair~halfclose"}, Verdict::XFail, {"tcp-option-on-non-tcp"}},
                             {{"libssh", "socketpair~truncate"}, Verdict::Pass, {}},
                             {{"paramiko", "pipe~halfclose"}, Verdict::Pass, {}}});
}

// paramiko/paramiko#1277 (open, fix in #1180): ProxyCommand.recv spins on its command's EOF.
// Installed 2.12 has it: a stall, then the cut, and the client never ends.
TEST(StreamRegressions, Paramiko1277SpinsOnItsProxyCommandsEof) {
  expect_cells("Paramiko1277", {{{"paramiko-proxycommand", "socketpair~stall"}, Verdict::XFail,
                                 {"stall-not-noticed [paramiko/paramiko#1277]"}},
                                // The same library on a socket notices the cut.
                                {{"paramiko", "socketpair~stall"}, Verdict::Pass, {}}});
}

// openssh-portable PR#244 (7.7p1, fixed by 7be4ac813 in 8.7p1): ssh left O_NONBLOCK on the
// stdio it shared with the shell. 9.2p1's sessions restore it (PASS); its `ssh -W` does not
// (found by this suite).
TEST(StreamRegressions, OpensshPr244TheStdioComeBackBlocking) {
  expect_cells("OpensshPr244", {{{"openssh", "pipe"}, Verdict::XFail, {"socket-call-on-non-socket"}},
                                {{"openssh", "tcp4"}, Verdict::Pass, {}},
                                {{"openssh", "tcp4"}, Verdict::XFail, {"nonblock-left-on-shared-stdio"}, "Forward.TcpEcho"}});
}

}  // namespace
}  // namespace sshtc
