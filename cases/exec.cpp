// Scenario `exec`: a remote command's output and exit status come back intact.
#include <random>

#include "../harness/printable.hpp"
#include "payload.hpp"
#include "matrix.hpp"

namespace sshtc {
namespace {

std::string random_token() {
  std::random_device device;
  std::uniform_int_distribution<unsigned long long> any;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", any(device));
  return text;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

class Exec : public MatrixCase {};

TEST_P(Exec, EchoRoundTrip) {
  const std::string token = random_token();
  const std::string command = "echo " + token;
  run_case(command, [&](const SessionResult& session) -> std::optional<std::string> {
    if (auto failed = status_check(session, command, 0)) return failed;
    if (session.client_stdout == token + "\n") return std::nullopt;
    return where(command) + ": stdout was '" + printable(session.client_stdout) + "', expected '" + token + "\\n'";
  });
}

TEST_P(Exec, ExitStatusPropagates) {
  const std::string command = "exit 3";
  run_case(command, [&](const SessionResult& session) { return status_check(session, command, 3); });
}

// stdout and stderr are two streams of one channel: each arrives on its own, whole.
TEST_P(Exec, StderrStaysSeparate) {
  const std::string out = random_token(), err = random_token();
  const std::string command = "echo " + out + "; echo " + err + " >&2";
  run_case(command, [&](const SessionResult& session) -> std::optional<std::string> {
    if (auto failed = status_check(session, command, 0)) return failed;
    if (session.client_stdout != out + "\n") {
      return where(command) + ": stdout was '" + printable(session.client_stdout) + "', expected '" + out + "\\n'";
    }
    if (session.client_stderr.find(err + "\n") == std::string::npos) {
      return where(command) + ": the remote's stderr line '" + err + "' is not on the adapter's stderr: '" +
             printable(first_line(session.client_stderr)) + "'";
    }
    return std::nullopt;
  });
}

// `ssh host 'cat /dev/zero' | head -c 65536`: the reader of the client's output goes away
// while the remote still writes. The client's next write fails; the session must end (OpenSSH
// tells the server with eow@openssh.com, which stops the remote command), not run on for ever.
TEST_P(Exec, EndsWhenItsReaderQuits) {
  // Its own `exit 0`: cat then dies of SIGPIPE, which is how the session should end, and not
  // the session's status (OpenSSH exits 255 for a remote command killed by a signal).
  const std::string command = "cat /dev/zero; exit 0";
  CaseInput input{command, {}, command + " read by `head -c 65536`"};
  input.stdout_reader_quits_after = 65536;
  input.failure_is_a_hang = true;
  run_case([&](const std::filesystem::path&) { return input; },
           [&](const SessionResult& session) -> std::optional<std::string> {
    if (session.client_hung()) return std::string("the reader of the client's output quit after 65536 bytes and the session went on");
    return std::nullopt;
  });
}

// The remote writes a payload of an odd size: all of it, and nothing else, reaches stdout. A
// session more per cell: at full depth only, until the default matrix has room for it.
TEST_P(Exec, RemoteOutputArrivesWhole) {
  Payload sent;
  std::string label;
  run_case([&](const std::filesystem::path&) {
    sent = payload(RunContext::get().run, "output", bulk_bytes());
    label = "output of " + sent.describe();
    CaseInput input{"cat " + shell_quoted(sent.path), {}, label};
    input.bytes = sent.size;
    return input;
  }, [&](const SessionResult& session) -> std::optional<std::string> {
    if (auto failed = status_check(session, label, 0)) return failed;
    if (auto differs = compare_with(sent, session.client_stdout, "the client's stdout")) return where(label) + ": " + *differs;
    return std::nullopt;
  });
}

// The cases of the full depth only (SSHTC_DEPTH=full, nightly): the default matrix keeps the
// ones that exercise the stream most for its time budget.
SSHTC_DEEP_CASE(Exec, StderrStaysSeparate);
SSHTC_DEEP_CASE(Exec, RemoteOutputArrivesWhole);
SSHTC_BULK_CASE(Exec, RemoteOutputArrivesWhole);
// Its known hangs (dbclient everywhere, OpenSSH on dropbear: mkj/dropbear#379) cost the hang
// deadline each, more than the default matrix has room for.
SSHTC_DEEP_CASE(Exec, EndsWhenItsReaderQuits);
// Its reader takes 64 KiB of a flood: more than frag1 carries within its hang deadline.
SSHTC_VOLUME_CASE(Exec, EndsWhenItsReaderQuits);
// The variants' case at the default depth: a whole session over the shaped stream.
SSHTC_VARIANT_CASE(Exec, EchoRoundTrip);
SSHTC_SCENARIO(Exec, "exec");

}  // namespace
}  // namespace sshtc
