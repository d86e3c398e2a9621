// Scenario `forward` (contract v2): stdio forwarding through the session, as `ssh -W` does, to
// an echo service the case runs: a direct-tcpip channel to loopback TCP, and a
// direct-streamlocal@openssh.com channel to an AF_UNIX path. The server's calls on the socket it
// opens for the channel are audited like all its calls (ronf/asyncssh 9e83931 set TCP_NODELAY
// on a forwarded AF_UNIX socket).
#include "../base/process.hpp"
#include "echo_service.hpp"
#include "matrix.hpp"
#include "payload.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

class Forward : public MatrixCase {
 protected:
  // The payload through a channel to `echo` and back: all of it, and the end of it.
  void run_echo(const std::function<std::unique_ptr<EchoService>(const fs::path& dir)>& start, const Environment& where_to) {
    Payload sent;
    std::string label;
    std::unique_ptr<EchoService> echo;
    run_case([&](const fs::path& dir) {
      sent = payload(RunContext::get().run, "forward", bulk_bytes());
      echo = start(dir);
      label = "forward to " + echo->address() + " of " + sent.describe();
      CaseInput input{label, sent.path, label};
      input.variables = where_to;
      if (echo->path().empty()) {
        input.variables["SSHTC_FORWARD_PORT"] = std::to_string(echo->port());
      } else {
        input.variables["SSHTC_FORWARD_PATH"] = echo->path().string();
      }
      input.bytes = 2 * sent.size;
      return input;
    }, [&](const SessionResult& session) -> std::optional<std::string> {
      std::string traffic = "the echo service accepted " + std::to_string(echo->connections()) +
                            " connection(s) and echoed " + std::to_string(echo->echoed()) + " bytes";
      if (session.client_hung()) {
        return "the forward never ended: " + std::to_string(session.client_stdout.size()) + " of " +
               std::to_string(sent.size) + " bytes had come back when the client was killed; " + traffic;
      }
      if (auto failed = status_check(session, label, 0, "(" + traffic + ")")) return failed;
      if (auto differs = compare_with(sent, session.client_stdout, "the client's stdout")) {
        return where(label) + ": " + *differs + "; " + traffic;
      }
      return std::nullopt;
    });
  }
};

TEST_P(Forward, TcpEcho) {
  run_echo([](const fs::path&) { return EchoService::on_loopback_tcp(); }, {{"SSHTC_FORWARD_HOST", "127.0.0.1"}});
}

TEST_P(Forward, UnixEcho) {
  run_echo([](const fs::path&) { return EchoService::on_unix_socket(); }, {});
}

SSHTC_SCENARIO(Forward, "forward");

}  // namespace
}  // namespace sshtc
