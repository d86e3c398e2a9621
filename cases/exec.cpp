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

class Exec : public MatrixCase {
 protected:
  // "… client exit 255, expected exit 0 — adapter: ssh_connect: …", or nothing.
  std::optional<std::string> status_check(const SessionResult& session, const std::string& command,
                                          int expected) const {
    if (session.client.code == expected) return std::nullopt;
    return where(command) + ": client " + session.client.describe() + ", expected exit " +
           std::to_string(expected) + " — adapter: " + first_line(session.client_stderr);
  }
};

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

// The remote writes a payload of an odd size: all of it, and nothing else, reaches stdout. A
// session more per cell: at full depth only, until the default matrix has room for it.
TEST_P(Exec, RemoteOutputArrivesWhole) {
  Payload sent;
  std::string label;
  run_case([&](const std::filesystem::path&) {
    sent = payload(RunContext::get().run, "output", bulk_bytes());
    label = "output of " + sent.describe();
    return CaseInput{"cat " + shell_quoted(sent.path), {}, label};
  }, [&](const SessionResult& session) -> std::optional<std::string> {
    if (auto failed = status_check(session, label, 0)) return failed;
    if (auto differs = compare_with(sent, session.client_stdout, "the client's stdout")) return where(label) + ": " + *differs;
    return std::nullopt;
  });
}

SSHTC_DEEP_CASE(Exec, RemoteOutputArrivesWhole);
SSHTC_SCENARIO(Exec, "exec");

}  // namespace
}  // namespace sshtc
