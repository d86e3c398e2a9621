#include "session.hpp"

#include <fcntl.h>
#include <poll.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <thread>
#include <vector>

#include "audit_backend.hpp"
#include "audit_findings.hpp"
#include "server.hpp"
#include "stdio_hygiene.hpp"
#include "../base/scratch_dir.hpp"
#include "../transports/variant.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

std::string tail(const std::string& text, size_t lines) {
  std::vector<std::string> all;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += all[i] + "\n";
  return out;
}

// `scratch` becomes the adapter's TMPDIR: whatever it and its helpers leave there (an adapter
// killed at its deadline cleans up nothing) goes with the session.
ProcessSpec adapter_spec(const RunDirectory& run, const Implementation& client, Environment env,
                         const ClientEndpoint& endpoint, const fs::path& case_dir, const ScratchDir& scratch) {
  ProcessSpec spec;
  spec.what = client.name + " adapter";
  spec.argv = client.command;
  spec.env = std::move(env);
  spec.env["TMPDIR"] = scratch.path().string();
  if (endpoint.fd_in >= 0) spec.inherited_fds = {endpoint.fd_in, endpoint.fd_out};
  audit_process(spec, run, audit_dir(case_dir, "client"), spec.inherited_fds);
  spec.stdout_path = case_dir / "adapter.stdout";
  spec.stderr_path = case_dir / "adapter.stderr";
  return spec;
}

// The adapter's stdout as a pipe whose reader keeps the first `limit` bytes in the case's
// adapter.stdout and then closes its end: the reader of `ssh host cmd | head -c N`.
class QuittingReader {
 public:
  QuittingReader(ProcessSpec& spec, uint64_t limit) {
    int ends[2];
    check_sys(::pipe2(ends, O_CLOEXEC), "pipe for the adapter's stdout");
    read_end_.reset(ends[0]);
    write_end_.reset(ends[1]);
    spec.stdout_fd = write_end_.get();
    reader_ = std::thread([this, limit, path = spec.stdout_path] { keep(limit, path); });
  }
  // Once the adapter has started with its copy of the write end.
  void started() { write_end_.reset(); }
  ~QuittingReader() {
    write_end_.reset();
    // The adapter's group is dead by now, so the read ends with EOF if the limit was not reached.
    if (reader_.joinable()) reader_.join();
  }

 private:
  void keep(uint64_t limit, const fs::path& path) {
    std::string kept;
    char buffer[16384];
    while (kept.size() < limit) {
      ssize_t got = ::read(read_end_.get(), buffer, std::min<uint64_t>(sizeof buffer, limit - kept.size()));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      kept.append(buffer, static_cast<size_t>(got));
    }
    read_end_.reset();  // the quitting
    FILE* out = std::fopen(path.c_str(), "w");
    if (out) {
      std::fwrite(kept.data(), 1, kept.size(), out);
      std::fclose(out);
    }
  }
  UniqueFd read_end_, write_end_;
  std::thread reader_;
};

// Starts the adapter with the request's stdin, and a quitting reader when the request has one.
// Its stdio are the harness's own open descriptions (stdio_hygiene.hpp), held in `stdio` to be
// checked once it has exited; the quitting reader's pipe is not held.
Process spawn_adapter(ProcessSpec spec, const SessionRequest& request, std::optional<QuittingReader>& reader,
                      SharedStdio& stdio) {
  const bool quitting = request.stdout_reader_quits_after > 0;
  stdio = open_shared_stdio(request.stdin_file.string(), quitting ? "" : spec.stdout_path.string(),
                            spec.stderr_path.string());
  spec.stdin_fd = stdio.in.get();
  spec.stdout_fd = stdio.out ? stdio.out.get() : -1;
  spec.stderr_fd = stdio.err.get();
  if (!quitting) return Process::spawn(spec);
  reader.emplace(spec, request.stdout_reader_quits_after);
  Process adapter = Process::spawn(spec);
  reader->started();
  return adapter;
}

// True when the server exits before the client does (both still running until one exits).
bool server_exits_first(Process& adapter, Process& server, Clock::time_point deadline) {
  pollfd exits[2] = {{adapter.exit_fd(), POLLIN, 0}, {server.exit_fd(), POLLIN, 0}};
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    int ready = ::poll(exits, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0 && !exits[0].revents;
  }
}

// When the server exits first, the client's deadline shrinks to the EOF grace, so a client
// that never notices the end of its stream fails in seconds, not at the deadline.
void collect_client(SessionResult& result, Process& adapter, std::optional<QuittingReader>& reader,
                    const SharedStdio& stdio, Process* server, const SessionRequest& request,
                    Clock::time_point deadline) {
  result.eof_grace = request.eof_grace;
  auto until = deadline;
  if (server && server_exits_first(adapter, *server, deadline)) {
    until = std::min(deadline, Clock::now() + request.eof_grace);
    // A server that refused the scenario makes the case a SKIP: nothing the client does now
    // counts, so it does not get the grace.
    auto status = server->exited_within(std::chrono::milliseconds(0));
    if (status && status->code == kCannotDo) until = Clock::now();
  }
  result.client = adapter.wait_until(until);
  result.client_outlived_server = result.client.timed_out && until < deadline;
  // A client killed at its deadline had no chance to restore its flags: nothing to judge.
  if (!result.client.timed_out) result.stdio_findings = stdio_findings(stdio);
  reader.reset();  // its adapter.stdout is complete
  result.client_stdout = read_file(result.dir / "adapter.stdout");
  result.client_stderr = read_file(result.dir / "adapter.stderr");
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A positive number of seconds from the environment, or the fallback.
std::chrono::milliseconds seconds_from_environment(const char* name, double fallback) {
  const char* custom = std::getenv(name);
  double seconds = custom && *custom ? std::atof(custom) : fallback;
  return std::chrono::milliseconds(static_cast<long>((seconds > 0 ? seconds : fallback) * 1000));
}

}  // namespace

std::chrono::milliseconds SessionRequest::session_timeout() {
  return seconds_from_environment("SSHTC_TIMEOUT_SECONDS", 20.0);
}

std::chrono::milliseconds SessionRequest::eof_grace_period() {
  return seconds_from_environment("SSHTC_EOF_GRACE_SECONDS", 3.0);
}

Environment SessionRequest::scenario_environment() const {
  Environment env = variables;
  env["SSHTC_SCENARIO"] = scenario;
  return env;
}

std::string SessionResult::hang_description() const {
  if (!client_outlived_server) return "the client was still running at the deadline (killed)";
  char grace[32];
  std::snprintf(grace, sizeof grace, "%.1f", eof_grace.count() / 1000.0);
  return "the server exited (" + server.describe() + ") and the client was still running " +
         grace + " s later (killed): it did not notice the end of its stream";
}

std::string SessionResult::adapter_stderr_tail() const { return tail(client_stderr, 15); }

std::string SessionResult::server_log_tail() const {
  std::string text = tail(read_file(dir / "server.log"), 12);
  std::string server_stderr = read_file(dir / "server.stderr");
  if (!server_stderr.empty()) text += "server stderr, last lines:\n" + tail(server_stderr, 6);
  return text;
}

std::string SessionResult::evidence() const {
  std::string text;
  if (!harness_error.empty()) text += "harness: " + harness_error + "\n";
  text += "client " + client.describe() + "; stderr:\n" + adapter_stderr_tail();
  text += "\nserver log (" + (dir / "server.log").string() + "), last lines:\n" + server_log_tail();
  return text;
}

Environment adapter_environment(const RunDirectory& run, const Implementation& client,
                                const ClientEndpoint& endpoint, const std::string& transport,
                                const SessionRequest& request) {
  Environment env = adapter_base_environment(run, client);
  env["SSHTC_TRANSPORT"] = transport;
  env["SSHTC_HOST"] = endpoint.host;
  env["SSHTC_PORT"] = std::to_string(endpoint.port);
  env["SSHTC_USER"] = run.user;
  env["SSHTC_IDENTITY"] = run.client_key.string();
  env["SSHTC_KNOWN_HOSTS"] = run.known_hosts.string();
  for (const auto& [name, value] : request.scenario_environment()) env[name] = value;
  env["SSHTC_COMMAND"] = request.command;
  if (endpoint.fd_in >= 0) {
    env["SSHTC_FD_IN"] = std::to_string(endpoint.fd_in);
    env["SSHTC_FD_OUT"] = std::to_string(endpoint.fd_out);
  }
  if (!endpoint.unix_path.empty()) env["SSHTC_UNIX_PATH"] = endpoint.unix_path;
  return env;
}

namespace {

// A server that could not prepare itself cannot serve: the session says why.
void check_prepared(const RunDirectory& run, const Implementation& server) {
  if (auto failure = preparation_failure(server, run)) throw std::runtime_error(*failure);
}

SessionResult run_inetd_session(const RunDirectory& run, const Implementation& client, Transport& transport,
                                const Implementation& server, const SessionRequest& request,
                                const fs::path& case_dir) {
  SessionResult result;
  result.dir = case_dir;
  auto start = Clock::now();
  auto deadline = start + request.timeout;

  auto connection = transport.open();
  ClientEndpoint endpoint = connection->client();
  ScratchDir scratch("sshtc-client");
  std::optional<QuittingReader> reader;
  SharedStdio stdio;
  // A variant is invisible to the client, as a real tunnel's behaviour is: it is told the base
  // transport, whose kind of descriptor it gets.
  const std::string told = split_variant(transport.name()).first;
  Process adapter = spawn_adapter(adapter_spec(run, client, adapter_environment(run, client, endpoint, told, request),
                                               endpoint, case_dir, scratch), request, reader, stdio);
  connection->close_client_side();

  std::optional<Process> served;
  try {
    ServerEndpoint server_end = connection->accept_server(deadline, adapter.exit_fd());
    ProcessSpec spec = inetd_server_spec(run, server, request.scenario_environment(), server_end, case_dir);
    // Every server is audited, by the session and not by each server: its stdin and stdout are
    // the transport.
    audit_process(spec, run, audit_dir(case_dir, "server"), {0, 1});
    served = Process::spawn(spec);
  } catch (const std::exception& error) {
    result.harness_error = error.what();
  }
  connection->close_server_side();

  collect_client(result, adapter, reader, stdio, served ? &*served : nullptr, request, deadline);
  if (served) {
    // After the client hangs up, the server has a moment to finish its log, then goes.
    auto grace = std::min<Clock::time_point>(deadline, Clock::now() + std::chrono::seconds(2));
    result.server = served->wait_until(std::max(grace, Clock::now()));
  }
  result.fault = connection->fault_report();
  result.seconds = seconds_since(start);
  return result;
}

SessionResult run_daemon_session(const RunDirectory& run, const Implementation& client,
                                 const Implementation& server, const SessionRequest& request,
                                 const fs::path& case_dir) {
  SessionResult result;
  result.dir = case_dir;
  auto start = Clock::now();
  // Audited like the inetd servers; a daemon has no transport descriptors of its own.
  auto daemon = start_daemon(run, server, request.scenario_environment(), case_dir, start + std::chrono::seconds(10),
                             [&](ProcessSpec& spec) { audit_process(spec, run, audit_dir(case_dir, "server"), {}); });
  ClientEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = daemon.port;
  ScratchDir scratch("sshtc-client");
  std::optional<QuittingReader> reader;
  SharedStdio stdio;
  Process adapter = spawn_adapter(adapter_spec(run, client, adapter_environment(run, client, endpoint, "tcp4", request),
                                               endpoint, case_dir, scratch), request, reader, stdio);
  collect_client(result, adapter, reader, stdio, nullptr, request, start + request.timeout);
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace

SessionResult run_session(const RunDirectory& run, const Implementation& client, Transport& transport,
                          const Implementation& server, const SessionRequest& request,
                          const fs::path& case_dir) {
  check_prepared(run, server);
  if (server.mode == "daemon") return run_daemon_session(run, client, server, request, case_dir);
  return run_inetd_session(run, client, transport, server, request, case_dir);
}

}  // namespace sshtc
