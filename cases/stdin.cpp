// Scenario `stdin` (contract v2): the adapter passes its own stdin to the remote command and
// sends EOF (the channel's half-close) when it ends, as `ssh host command` does. An adapter of
// contract v1 answers this scenario with kCannotDo: a SKIP that says so.
#include "../base/process.hpp"
#include "matrix.hpp"
#include "payload.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

class Stdin : public MatrixCase {
 protected:
  // A remote `cat` of `sent`: all of it came back, and the session ended with exit 0.
  std::optional<std::string> echo_check(const SessionResult& session, const Payload& sent, const std::string& label,
                                        const std::string& stalled) const {
    if (session.client_hung()) {
      return stalled + ": " + std::to_string(session.client_stdout.size()) + " of " + std::to_string(sent.size) +
             " bytes had come back when the client was killed";
    }
    if (auto failed = status_check(session, label, 0)) return failed;
    if (auto differs = compare_with(sent, session.client_stdout, "the client's stdout")) return where(label) + ": " + *differs;
    return std::nullopt;
  }
};

// A payload of an odd size into the adapter's stdin; the remote writes what it reads to a file,
// and must see EOF to finish. Every byte must arrive, and the end of the stream.
TEST_P(Stdin, ReachesTheRemote) {
  Payload sent;
  std::string label;
  fs::path received;
  run_case([&](const fs::path& dir) {
    sent = payload(RunContext::get().run, "stdin", bulk_bytes());
    label = "stdin of " + sent.describe();
    received = dir / "received";
    CaseInput input{"cat > " + shell_quoted(received) + " && echo received", sent.path, label};
    input.bytes = sent.size;
    return input;
  }, [&](const SessionResult& session) -> std::optional<std::string> {
    std::string arrived = read_file(received);
    if (session.client_hung()) {
      return "the remote never saw EOF on its stdin: it had received " + std::to_string(arrived.size()) + " of " +
             std::to_string(sent.size) + " bytes when the client was killed";
    }
    if (session.client.code != 0 || session.client_stdout != "received\n") {
      return where(label) + ": client " + session.client.describe() + ", stdout '" + first_line(session.client_stdout) +
             "', expected exit 0 and 'received' — adapter: " + first_line(session.client_stderr);
    }
    if (auto differs = compare_with(sent, arrived, "the remote's stdin")) return where(label) + ": " + *differs;
    return std::nullopt;
  });
}

// The remote echoes the payload while it is still arriving: the client must read while it
// sends, or both windows fill and the session stalls.
TEST_P(Stdin, BothWaysAtOnce) {
  Payload sent;
  std::string label;
  run_case([&](const fs::path&) {
    sent = payload(RunContext::get().run, "stdin", bulk_bytes());
    label = "cat of " + sent.describe();
    CaseInput input{"cat", sent.path, label};
    input.bytes = 2 * sent.size;
    return input;
  }, [&](const SessionResult& session) { return echo_check(session, sent, label, "the echo stalled"); });
}

// What the server's log says of its key exchanges: the lines with the marker its --version
// left in its state directory (kex-log-marker), or nothing when it left none.
std::optional<int> key_exchanges(const Implementation& server, const fs::path& case_dir) {
  std::string marker = read_file(server_state(server, RunContext::get().run) / "kex-log-marker");
  marker = marker.substr(0, marker.find('\n'));
  if (marker.empty()) return std::nullopt;
  std::string log = read_file(case_dir / "server.log");
  int count = 0;
  for (auto at = log.find(marker); at != std::string::npos; at = log.find(marker, at + marker.size())) ++count;
  return count;
}

// The echo of BothWaysAtOnce with the server re-keying every 512 KiB: several key exchanges in
// the middle of both streams, which the client must take without losing or repeating a byte.
TEST_P(Stdin, RekeyUnderLoad) {
  constexpr uint64_t kRekeyBytes = 512 * 1024;
  Payload sent;
  std::string label;
  fs::path dir;
  run_case([&](const fs::path& case_dir) {
    dir = case_dir;
    sent = payload(RunContext::get().run, "stdin", bulk_bytes());
    label = "cat of " + sent.describe() + ", the server re-keying every " + std::to_string(kRekeyBytes) + " bytes";
    CaseInput input{"cat", sent.path, label};
    input.variables = {{"SSHTC_REKEY_BYTES", std::to_string(kRekeyBytes)}};
    input.bytes = 2 * sent.size;
    return input;
  }, [&](const SessionResult& session) -> std::optional<std::string> {
    if (auto failed = echo_check(session, sent, label, "the echo stalled across a key exchange")) return failed;
    // The first exchange and at least two re-keys, or the case proved nothing.
    auto exchanges = key_exchanges(GetParam().server, dir);
    if (!exchanges) return where(label) + ": the server " + GetParam().server.name + " left no kex-log-marker to count its key exchanges by";
    if (*exchanges < 3) {
      return where(label) + ": the server's log shows " + std::to_string(*exchanges) +
             " key exchange(s), fewer than the 3 it should have made: it did not re-key";
    }
    return std::nullopt;
  });
}

// The remote stops reading and exits while the client's stdin has no end: the client stops
// sending and exits with the remote's status.
TEST_P(Stdin, RemoteExitsWhileClientSends) {
  const std::string command = "head -c 65536 >/dev/null; exit 7";
  CaseInput input{command, "/dev/zero", command + " with endless stdin"};
  input.failure_is_a_hang = true;
  run_case([&](const fs::path&) { return input; },
           [&](const SessionResult& session) -> std::optional<std::string> {
    if (session.client_hung()) return std::string("the remote exited 7, and the client kept sending or waiting");
    return status_check(session, command, 7);
  });
}

// BothWaysAtOnce runs by default: it needs the EOF, every byte both ways and reading while
// sending. The rest, which tell those apart or add what costs most, run at full depth.
SSHTC_DEEP_CASE(Stdin, ReachesTheRemote);
SSHTC_DEEP_CASE(Stdin, RemoteExitsWhileClientSends);
SSHTC_DEEP_CASE(Stdin, RekeyUnderLoad);
SSHTC_SCENARIO(Stdin, "stdin");

}  // namespace
}  // namespace sshtc
