// The suite's own negative controls of the stdin scenario, each caught by the case meant for
// it with what differed: libssh's adapter behind a shell that keeps its stdin open after the
// payload (the remote never sees EOF), drops the payload's last 4096 bytes (a lost tail), or
// drops the last 4096 bytes of what the remote sent back (output cut short).
// They come in through SSHTC_EXTRA_CLIENTS, as a user's own client would.
#include <gtest/gtest.h>

#include <fstream>

#include "child_matrix.hpp"
#include "matrix.hpp"
#include "payload.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

// A client that feeds the libssh adapter through `filter` in the stdin scenario; --version and
// the probes go straight to it. The adapter is the script's own process, so that it answers as
// soon as it is done; the filter goes with its process group.
fs::path control(const fs::path& dir, const std::string& name, const std::string& filter) {
  fs::path script = dir / (name + ".sh");
  std::ofstream(script) << "#!/bin/bash\n"
                        << "[ \"${SSHTC_SCENARIO:-}\" = stdin ] || exec " SSHTC_LIBSSH_ADAPTER " \"$@\"\n"
                        << "exec " SSHTC_LIBSSH_ADAPTER " \"$@\" < <(" << filter << ")\n";
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

// The same, its stdout through `filter`; the script waits for the filter, which must have
// written everything when the harness reads the adapter's stdout, and exits as the adapter did.
fs::path output_control(const fs::path& dir, const std::string& name, const std::string& filter) {
  fs::path script = dir / (name + ".sh");
  std::ofstream(script) << "#!/bin/bash\n"
                        << "[ \"${SSHTC_SCENARIO:-}\" = stdin ] || exec " SSHTC_LIBSSH_ADAPTER " \"$@\"\n"
                        << SSHTC_LIBSSH_ADAPTER " \"$@\" | " << filter << "\nexit ${PIPESTATUS[0]}\n";
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

TEST(StdinControls, ANeverEndingStdinALostTailAndACutOutputAreCaughtWithWhatDiffered) {
  fs::path dir = RunContext::get().run.case_dir("StdinControls");
  const std::string size = std::to_string(bulk_bytes());
  expect_child_matrix(
      dir,
      {{"never-eof", control(dir, "never-eof", "{ cat; sleep 30; }")},
       {"loses-tail", control(dir, "loses-tail", "head -c -4096")},
       {"cuts-output", output_control(dir, "cuts-output", "head -c -4096")}},
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
       // The same client passes where it sends all: the controls fail for what they do.
       {{"libssh", "socketpair"}, Verdict::Pass, {}, "Stdin.ReachesTheRemote"},
       {{"libssh", "socketpair"}, Verdict::Pass, {}, "Stdin.BothWaysAtOnce"}},
      {{"SSHTC_TIMEOUT_SECONDS", "4"}});
}

}  // namespace
}  // namespace sshtc
