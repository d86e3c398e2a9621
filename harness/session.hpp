// One SSH session of the matrix: a client adapter and a server joined by a transport,
// each under a deadline, with everything they said kept in the case directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "../transports/transport.hpp"
#include "audit_findings.hpp"
#include "implementation.hpp"
#include "../base/process.hpp"
#include "run_directory.hpp"
// The contract's exit codes (kSessionFailed, kCannotDo), from adapters/contract/exit_codes.txt.
#include <sshtc/exit_codes.hpp>

namespace sshtc {

struct SessionRequest {
  std::string scenario;  // SSHTC_SCENARIO
  std::string command;   // SSHTC_COMMAND
  // The client adapter's stdin (contract v2: it passes it on to the remote command and then
  // sends EOF); empty: /dev/null.
  std::filesystem::path stdin_file{};
  // When set, the reader of the adapter's stdout quits after this many bytes and closes its
  // end, as `ssh host cmd | head -c N` does: the adapter's next write fails (EPIPE).
  uint64_t stdout_reader_quits_after = 0;
  // The case's own variables, for the client and the server alike (SSHTC_SFTP_PUT,
  // SSHTC_FORWARD_PATH, SSHTC_REKEY_BYTES, …): what a scenario asks of both ends.
  Environment variables{};
  // SSHTC_SCENARIO and `variables`: what both ends are told.
  Environment scenario_environment() const;
  std::chrono::milliseconds timeout = session_timeout();
  // A client must notice its stream ending: once the server has exited, the client has this
  // long to finish, however far off the deadline is.
  std::chrono::milliseconds eof_grace = eof_grace_period();
  static std::chrono::milliseconds session_timeout();   // SSHTC_TIMEOUT_SECONDS, default 20
  static std::chrono::milliseconds eof_grace_period();  // SSHTC_EOF_GRACE_SECONDS, default 3
};

struct SessionResult {
  ExitStatus client;
  std::string client_stdout;
  std::string client_stderr;
  ExitStatus server;          // sshd -i exits 255 when the client disconnects: no verdict
  // The server exited and the client was still running eof_grace later (then killed): it
  // did not notice the end of its stream.
  bool client_outlived_server = false;
  std::chrono::milliseconds eof_grace{0};
  std::string harness_error;  // the harness itself could not complete the session
  // The client's stdio left non-blocking when it exited (stdio_hygiene.hpp); judged with the
  // audit's findings.
  std::vector<Observation> stdio_findings;
  std::filesystem::path dir;  // adapter.stdout, adapter.stderr, server.log, server.stderr, audit-*/
  double seconds = 0;

  // Killed at the deadline or after outliving the server.
  bool client_hung() const { return client.timed_out; }
  // "the server exited (exit 1) and the client was still running 3 s later", or the deadline.
  std::string hang_description() const;
  // The logs a failure message should show: adapter stderr and the end of the server's log.
  std::string evidence() const;
  std::string adapter_stderr_tail() const;  // its last 15 lines
  std::string server_log_tail() const;      // the last 12 lines of server.log (and of its stderr)
};

// The client adapter's environment under the contract, scrubbed of everything else.
Environment adapter_environment(const RunDirectory& run, const Implementation& client,
                                const ClientEndpoint& endpoint, const std::string& transport,
                                const SessionRequest& request);

// Client and server over a fresh connection of `transport`: an inetd-mode server on the
// connection's server end, or a daemon-mode server started for this session, which the client
// dials on loopback (`transport` is then tcp4). Both audited. The server is prepared (its
// --version) first, once per run.
SessionResult run_session(const RunDirectory& run, const Implementation& client, Transport& transport,
                          const Implementation& server, const SessionRequest& request,
                          const std::filesystem::path& case_dir);

}  // namespace sshtc
