// Scenario `exec`: a remote command's output and exit status come back intact.
#include <random>

#include "../harness/printable.hpp"
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
  // "… exited 255, expected 0 — adapter: ssh_connect: …" then the evidence.
  std::string status_message(const SessionResult& session, const std::string& command,
                             int expected) const {
    return where(command) + ": client " + session.client.describe() + ", expected exit " +
           std::to_string(expected) + " — adapter: " + first_line(session.client_stderr) +
           "\n" + session.evidence();
  }
};

TEST_P(Exec, EchoRoundTrip) {
  const std::string token = random_token();
  const std::string command = "echo " + token;
  auto session = run_scenario("exec", command);
  if (!session) return;
  if (session->client.code != 0) return ADD_FAILURE() << status_message(*session, command, 0);
  if (session->client_stdout != token + "\n") {
    ADD_FAILURE() << where(command) << ": stdout was '" << printable(session->client_stdout)
                  << "', expected '" << token << "\\n'\n" << session->evidence();
  }
}

TEST_P(Exec, ExitStatusPropagates) {
  const std::string command = "exit 3";
  auto session = run_scenario("exec", command);
  if (!session) return;
  if (session->client.code != 3) ADD_FAILURE() << status_message(*session, command, 3);
}

INSTANTIATE_TEST_SUITE_P(Matrix, Exec, testing::ValuesIn(matrix_cells()), cell_test_name);

}  // namespace
}  // namespace sshtc
