// The suite's own negative controls of the data scenarios, each caught by the case meant for it
// with what differed: libssh's adapter behind a shell that keeps its stdin open after the
// payload (the remote never sees EOF), drops the payload's last 4096 bytes (a lost tail), drops
// the last 4096 bytes of what came back (output cut short: stdin's echo, a forward), or of the
// file it downloaded (sftp); and a server that never re-keys.
// They come in through SSHTC_EXTRA_CLIENTS, as a user's own client would.
#include <gtest/gtest.h>

#include <fstream>

#include "child_matrix.hpp"
#include "matrix.hpp"
#include "payload.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

// libssh's adapter behind a shell that misbehaves in `scenarios` (a case pattern: "stdin",
// "stdin|forward") by running `line`, where $A is the adapter; --version and the probes go
// straight to it, as the script's own process, so that it answers as soon as it is done.
fs::path control(const fs::path& dir, const std::string& name, const std::string& scenarios, const std::string& line) {
  fs::path script = dir / (name + ".sh");
  std::ofstream(script) << "#!/bin/bash\nA=" SSHTC_LIBSSH_ADAPTER "\n"
                        << "case \"${SSHTC_SCENARIO:-}\" in " << scenarios << ") ;; *) exec \"$A\" \"$@\" ;; esac\n"
                        << line << "\n";
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

// Its stdin through `filter`.
fs::path input_control(const fs::path& dir, const std::string& name, const std::string& filter) {
  return control(dir, name, "stdin", "exec \"$A\" \"$@\" < <(" + filter + ")");
}

// Its stdout through `filter`; the script waits for the filter, which must have written
// everything when the harness reads the adapter's stdout, and exits as the adapter did.
fs::path output_control(const fs::path& dir, const std::string& name, const std::string& filter) {
  return control(dir, name, "stdin|forward", "\"$A\" \"$@\" | " + filter + "\nexit ${PIPESTATUS[0]}");
}

TEST(DataControls, ANeverEndingStdinALostTailAndCutOutputsAreCaughtWithWhatDiffered) {
  fs::path dir = RunContext::get().run.case_dir("StdinControls");
  const std::string size = std::to_string(bulk_bytes());
  expect_child_matrix(
      dir,
      {{"never-eof", input_control(dir, "never-eof", "{ cat; sleep 30; }")},
       {"loses-tail", input_control(dir, "loses-tail", "head -c -4096")},
       {"cuts-output", output_control(dir, "cuts-output", "head -c -4096")},
       {"cuts-download", control(dir, "cuts-download", "sftp",
                                 "\"$A\" \"$@\"; status=$?; truncate -s -4096 \"${SSHTC_SFTP_GET#*:}\"; exit $status")}},
      {{{"never-eof", "socketpair"}, Verdict::Fail,
        {"the client was still running at the deadline (killed); the remote never saw EOF on its stdin: it had "
         "received " + size + " of " + size + " bytes when the client was killed"},
        "Stdin.ReachesTheRemote"},
       {{"loses-tail", "socketpair"}, Verdict::Fail,
        {"the remote's stdin received " + std::to_string(bulk_bytes() - 4096) + " of " + size +
         " bytes, the first " + std::to_string(bulk_bytes() - 4096) + " of them as sent (payload of " + size +
         " bytes, seed 0x"},
        "Stdin.ReachesTheRemote"},
       {{"cuts-output", "socketpair"}, Verdict::Fail,
        {"the client's stdout received " + std::to_string(bulk_bytes() - 4096) + " of " + size + " bytes, the first " +
         std::to_string(bulk_bytes() - 4096) + " of them as sent (payload of " + size + " bytes, seed 0x"},
        "Stdin.BothWaysAtOnce"},
       {{"cuts-output", "socketpair"}, Verdict::Fail,
        {"the client's stdout received " + std::to_string(bulk_bytes() - 4096) + " of " + size + " bytes"},
        "Forward.TcpEcho"},
       {{"cuts-download", "socketpair"}, Verdict::Fail,
        {"the downloaded file received " + std::to_string(bulk_bytes() - 4096) + " of " + size + " bytes"},
        "Sftp.PutThenGet"},
       // The same client passes where it does it all: the controls fail for what they do.
       {{"libssh", "socketpair"}, Verdict::Pass, {}, "Stdin.ReachesTheRemote"},
       {{"libssh", "socketpair"}, Verdict::Pass, {}, "Stdin.BothWaysAtOnce"},
       {{"libssh", "socketpair"}, Verdict::Pass, {}, "Forward.TcpEcho"},
       {{"libssh", "socketpair"}, Verdict::Pass, {}, "Sftp.PutThenGet"}},
      {{"SSHTC_TIMEOUT_SECONDS", "4"}});
}

// A server that ignores SSHTC_REKEY_BYTES: RekeyUnderLoad counts its key exchanges and fails it,
// while sshd re-keying for real passes the same case.
TEST(DataControls, AServerThatNeverReKeysIsCaughtByTheCount) {
  fs::path dir = RunContext::get().run.case_dir("RekeyControl");
  expect_child_matrix(
      dir, {},
      {{{"libssh", "socketpair", "never-rekeys"}, Verdict::Fail,
        {"key exchange(s), fewer than the 3 it should have made: it did not re-key"},
        "Stdin.RekeyUnderLoad"},
       {{"libssh", "socketpair"}, Verdict::Pass, {}, "Stdin.RekeyUnderLoad"}},
      {{"SSHTC_EXTRA_SERVERS", "never-rekeys=" SSHTC_SELFTEST_ADAPTERS "/never-rekeys.sh"}});
}

}  // namespace
}  // namespace sshtc
