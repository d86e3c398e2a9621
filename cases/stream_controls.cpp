// The suite's own negative controls of the hostile streams, each caught on the variant meant for
// it, and passing on the clean column: a client that takes one read for the server's whole
// identification line (frag1), one that drops what follows the line in its first read, as
// paramiko/paramiko#673 did (coalesce), and one that leaves O_NONBLOCK on its stdout (class F,
// openssh-portable PR#244), caught on any column. They come in through SSHTC_EXTRA_CLIENTS,
// as a user's own client would: libssh's or paramiko's adapter behind
// selftest/adapters/misreading-relay.py, or libssh's behind a shell.
#include <gtest/gtest.h>

#include <fstream>

#include "child_matrix.hpp"
#include "matrix.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

fs::path script(const fs::path& dir, const std::string& name, const std::string& body) {
  fs::path file = dir / (name + ".sh");
  std::ofstream(file) << "#!/bin/sh\n" << body << "\n";
  fs::permissions(file, fs::perms::owner_all);
  return file;
}

// The relay in front of a registered client's adapter.
fs::path misreading(const fs::path& dir, const std::string& mode, const std::string& client) {
  std::string command;
  for (const auto& word : find_client(client).command) command += " '" + word + "'";
  return script(dir, mode, "exec /usr/bin/python3 " SSHTC_SELFTEST_ADAPTERS "/misreading-relay.py " + mode + command + " \"$@\"");
}

TEST(StreamControls, MisreadingClientsAreCaughtOnlyOnTheVariantMeantForThem) {
  fs::path dir = RunContext::get().run.case_dir("StreamControls");
  expect_child_matrix(
      // drops-after-banner needs a client that sends its identification line without waiting for
      // the server's, as paramiko does: only then does sshd's KEXINIT follow its line, for
      // coalesce to join them (to libssh, which waits, sshd's line goes alone after 500 ms).
      dir, {{"one-read-banner", misreading(dir, "one-read-banner", "libssh")},
            {"drops-after-banner", misreading(dir, "drops-after-banner", "paramiko")}},
      {{{"one-read-banner", "socketpair~frag1"}, Verdict::Fail,
        {"the server's identification line did not come in one read (1 bytes: b'S')",
         "fails only with frag1 (every byte its own read, both ways); PASS on socketpair"}},
       {{"one-read-banner", "socketpair"}, Verdict::Pass, {}},
       {{"drops-after-banner", "socketpair~coalesce"}, Verdict::Fail,
        {"the client was still running at the deadline (killed)",
         "fails only with coalesce (the server's writes held back and delivered together, its identification line "
         "with its KEXINIT); PASS on socketpair"}},
       {{"drops-after-banner", "socketpair"}, Verdict::Pass, {}},
       {{"drops-after-banner", "pipe~coalesce"}, Verdict::Fail, {"fails only with coalesce", "PASS on pipe"}}},
      {{"SSHTC_TIMEOUT_SECONDS", "4"}});
}

TEST(StreamControls, AClientThatLeavesItsStdoutNonBlockingIsCaught) {
  fs::path dir = RunContext::get().run.case_dir("StdioControl");
  fs::path leaves = script(dir, "leaves-nonblock",
                           "/usr/bin/python3 -c 'import os; os.set_blocking(1, False)'\nexec " SSHTC_LIBSSH_ADAPTER " \"$@\"");
  expect_child_matrix(
      dir, {{"leaves-nonblock", leaves}},
      {{{"leaves-nonblock", "socketpair"}, Verdict::Fail,
        {"client finding: O_NONBLOCK left set on its stdout (fd 1, a file it shares with its parent, handed over "
         "blocking) [nonblock-left-on-shared-stdio]"}},
       {{"leaves-nonblock", "tcp4"}, Verdict::Fail, {"[nonblock-left-on-shared-stdio]"}},
       // The same adapter, not planted, leaves its stdio as it found them.
       {{"libssh", "socketpair"}, Verdict::Pass, {}}});
}

}  // namespace
}  // namespace sshtc
