// The server side of a cell, the same for every server (the built-in adapters and those of
// SSHTC_EXTRA_SERVERS): its adapter, started under the server contract (README). In inetd mode
// it gets the transport's server end as stdin and stdout; in daemon mode a loopback address to
// listen on. The session layer adds the audit, so that every server is audited.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "../transports/transport.hpp"
#include "../base/process.hpp"
#include "implementation.hpp"
#include "run_directory.hpp"

namespace sshtc {

// The server's environment for one session: the run's (adapter_base_environment) plus the
// scenario's variables (SSHTC_SCENARIO and those of its case, such as SSHTC_FORWARD_PATH, which
// both ends get), SSHTC_SERVER_LOG (case_dir/server.log) and a private TMPDIR. Its stderr goes
// to case_dir/server.stderr.
ProcessSpec server_spec(const RunDirectory& run, const Implementation& server, const Environment& scenario,
                        const std::filesystem::path& case_dir);

// `server_spec` on an inetd endpoint: its stdin and stdout.
ProcessSpec inetd_server_spec(const RunDirectory& run, const Implementation& server, const Environment& scenario,
                              const ServerEndpoint& endpoint, const std::filesystem::path& case_dir);

// A daemon-mode server listening on 127.0.0.1:port, a port the kernel picked (the adapter gets
// SSHTC_LISTEN_HOST and SSHTC_LISTEN_PORT); ready once it accepts a connection.
struct Daemon {
  Process process;
  int port;
};
// `finish` adds what the session layer adds (the audit) to the spec before it is started.
// Throws when it exits or does not accept before `deadline`, with its log.
Daemon start_daemon(const RunDirectory& run, const Implementation& server, const Environment& scenario,
                    const std::filesystem::path& case_dir, Clock::time_point deadline,
                    const std::function<void(ProcessSpec&)>& finish);

// A loopback tcp4 port nothing listens on now.
int free_loopback_port();

}  // namespace sshtc
