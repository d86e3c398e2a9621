#include "matrix.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "../harness/audit_findings.hpp"
#include "../harness/expectations.hpp"
#include "../harness/openssh_server.hpp"
#include "../transports/transport.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

// The part results of the running case, kept for its record's reason.
class ReasonCollector : public testing::EmptyTestEventListener {
 public:
  static std::string& current() {
    static std::string reason;
    return reason;
  }
  void OnTestStart(const testing::TestInfo&) override { current().clear(); }
  void OnTestPartResult(const testing::TestPartResult& result) override {
    if (!current().empty()) return;
    // ADD_FAILURE() puts a bare "Failed" line before the message, which says nothing.
    std::string message = result.message();
    const std::string bare = "Failed\n";
    if (message.rfind(bare, 0) == 0) message.erase(0, bare.size());
    current() = message;
  }
};

const bool collector_installed = [] {
  testing::UnitTest::GetInstance()->listeners().Append(new ReasonCollector);
  return true;
}();

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

}  // namespace

void PrintTo(const Cell& cell, std::ostream* out) {
  *out << cell.client.name << "/" << cell.transport << "/" << cell.server;
}

std::string cell_test_name(const testing::TestParamInfo<Cell>& info) {
  std::string name = info.param.client.name + "_" + info.param.transport;
  if (info.param.server != kInetd) name += "_" + info.param.server;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::vector<Cell> matrix_cells() {
  std::vector<Client> clients;
  try {
    clients = load_clients();
  } catch (const std::exception& error) {
    // Runs while tests are registered: nothing can be reported later, so say it and stop.
    std::cerr << "ssh-transport-conformance: " << error.what() << "\n";
    std::exit(2);
  }
  std::vector<Cell> cells;
  for (const auto& server : all_servers()) {
    for (const auto& client : clients) {
      for (const auto& transport : all_transports()) {
        cells.push_back({client, transport->name(), server->name()});
      }
    }
  }
  for (const auto& client : clients) cells.push_back({client, "tcp4", kDaemon});
  return cells;
}

const RunContext& RunContext::get() {
  static const RunContext context = [] {
    RunContext made;
    std::string dir = env_or("SSHTC_RUN_DIR", "");
    if (dir.empty()) {
      // Run by hand, not by ctest: this process does the per-run work itself.
      std::string pattern = env_or("TMPDIR", "/tmp") + "/sshtc-run-XXXXXX";
      if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp " + pattern);
      made.run = RunDirectory::create(pattern);
      // Destroyed at exit, after the context itself: it keeps its own copy of the path.
      struct RemoveAtExit {
        fs::path root;
        ~RemoveAtExit() { RunDirectory::remove(root); }
      };
      static const RemoveAtExit remove_at_exit{made.run.root};
    } else {
      made.run = RunDirectory::open(dir);
    }
    made.results = env_or("SSHTC_RESULTS_DIR", (made.run.root / "results").string());
    return made;
  }();
  return context;
}

void MatrixCase::SetUp() {
  const Cell& cell = GetParam();
  auto transport = find_transport(cell.transport);
  if (auto reason = transport->unavailable()) GTEST_SKIP() << *reason;
  if (cell.server != kDaemon) {
    if (auto reason = find_server(cell.server)->unavailable()) GTEST_SKIP() << *reason;
  }
}

void MatrixCase::TearDown() {
  const Cell& cell = GetParam();
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  CaseRecord record;
  record.client = cell.client.name;
  record.client_version = client_version(cell.client, RunContext::get().run);
  record.transport = cell.column();
  record.scenario = scenario_;
  record.test = info->name();
  record.test = record.test.substr(0, record.test.find('/'));
  if (IsSkipped()) {
    record.verdict = "SKIP";
  } else if (expected_verdict_ == "XPASS") {
    record.verdict = "XPASS";
  } else if (HasFailure()) {
    record.verdict = "FAIL";
  } else {
    record.verdict = expected_verdict_.empty() ? "PASS" : expected_verdict_;
  }
  record.reason = record.verdict == "XFAIL" ? expected_reason_
                  : record.verdict == "PASS" ? ""
                                             : ReasonCollector::current();
  record.seconds = seconds_;
  record.server_findings = server_findings_;
  write_record(RunContext::get().results, record);
}

std::string MatrixCase::where(const std::string& command) const {
  const Cell& cell = GetParam();
  return cell.client.name + " over " + cell.transport + " (" + cell.server + "), " + scenario_ +
         " `" + command + "`";
}

std::optional<SessionResult> MatrixCase::run_scenario(const std::string& scenario,
                                                      const std::string& command) {
  scenario_ = scenario;
  const Cell& cell = GetParam();
  const RunContext& context = RunContext::get();
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = context.run.case_dir(std::string(info->test_suite_name()) + "." + info->name());
  SessionRequest request{scenario, command};

  SessionResult session;
  try {
    if (cell.server == kDaemon) {
      auto daemon = OpenSshServer::start_daemon(context.run, dir, Clock::now() + std::chrono::seconds(10));
      ClientEndpoint endpoint;
      endpoint.host = "127.0.0.1";
      endpoint.port = daemon.port;
      session = run_client(context.run, cell.client, endpoint, cell.transport, request, dir);
    } else {
      session = run_session(context.run, cell.client, *find_transport(cell.transport),
                            *find_server(cell.server), request, dir);
    }
  } catch (const std::exception& error) {
    ADD_FAILURE() << where(command) << ": the harness could not run the session: " << error.what();
    return std::nullopt;
  }
  seconds_ += session.seconds;
  if (session.client.code == kCannotDoThis) {
    std::string reason = session.client_stderr.substr(0, session.client_stderr.find('\n'));
    [&] { GTEST_SKIP() << cell.client.name << " cannot do " << cell.column() << ": " << reason; }();
    return std::nullopt;
  }
  if (settled_by_expectations(session, command)) return std::nullopt;
  return session;
}

bool MatrixCase::settled_by_expectations(const SessionResult& session, const std::string& command) {
  const Cell& cell = GetParam();
  std::string version = client_version(cell.client, RunContext::get().run);
  // Client expectations settle the cell. Server ones (their "client" field names the server)
  // cover the server's known findings, which are about the server and not about this client;
  // a server's session-fails (it cannot serve this transport at all) settles the cell too.
  std::vector<const Expectation*> expected, server_expected, server_refusals;
  for (const auto& expectation : default_expectations()) {
    if (expectation.side == "client" && expectation.covers(cell.client.name, version, cell.transport, cell.column())) {
      expected.push_back(&expectation);
    }
    if (expectation.side == "server" && expectation.covers(cell.server, "", cell.transport, cell.column())) {
      server_expected.push_back(&expectation);
      if (expectation.rule == kSessionFails) server_refusals.push_back(&expectation);
    }
  }
  // The client's own expectations first: the first one seen gives the cell its reason.
  expected.insert(expected.end(), server_refusals.begin(), server_refusals.end());
  std::vector<Observation> findings;
  try {
    findings = audit_findings(session.dir);
  } catch (const std::exception& error) {
    ADD_FAILURE() << where(command) << ": the audit records cannot be read: " << error.what();
  }
  // Strict: any finding no expectation covers fails the cell, whatever the session did.
  for (const auto& finding : findings) {
    const auto& candidates = finding.side == "server" ? server_expected : expected;
    auto covering = std::find_if(candidates.begin(), candidates.end(),
                                 [&](const Expectation* e) { return e->rule == finding.rule; });
    bool covered = covering != candidates.end();
    if (finding.side == "server") {
      server_findings_ += (server_findings_.empty() ? "" : "; ") + finding.description +
                          (covered ? " (known: " + (*covering)->reference + ")" : " (UNEXPECTED)");
    }
    if (!covered) {
      ADD_FAILURE() << where(command) << ": " << finding.side << " finding: " << finding.description
                    << "\n" << session.evidence();
    }
  }
  // A known finding explains a call, not a failed session: the failure must be known as such
  // (a hang as a hang), or a harmless probe's expectation would hide any regression of its cell.
  bool session_failed = session.client.code == kSessionFailed || session.client_hung();
  auto known = [&](const std::string& rule) {
    return std::any_of(expected.begin(), expected.end(), [&](const Expectation* e) { return e->rule == rule; });
  };
  if (session.client_hung() && !known(kSessionHangs)) {
    ADD_FAILURE() << where(command) << ": " << session.hang_description() << "\n" << session.evidence();
    return true;
  }
  if (expected.empty()) return false;  // the scenario's checks judge the session
  if (session_failed && !known(kSessionFails) && !known(kSessionHangs)) {
    ADD_FAILURE() << where(command) << ": the session failed ("
                  << session.client_stderr.substr(0, session.client_stderr.find('\n'))
                  << "), and no expectation of this cell says it should\n" << session.evidence();
    return true;
  }

  // A server that cannot serve this transport ends the session before the client gets to its
  // known calls: those unseen are no sign of a stale expectation then.
  bool server_refused = session_failed && !server_refusals.empty();
  for (const Expectation* e : expected) {
    auto seen = std::find_if(findings.begin(), findings.end(), [&](const Observation& finding) {
      return finding.side == e->side && finding.rule == e->rule;
    });
    bool observed = e->rule == kSessionFails   ? session_failed
                    : e->rule == kSessionHangs ? session.client_hung()
                                               : seen != findings.end();
    if (!observed && server_refused) continue;
    if (!observed) {
      expected_verdict_ = "XPASS";
      ADD_FAILURE() << where(command) << ": XPASS: expected " << e->side << " " << e->rule << " ("
                    << e->reference << ", " << e->source << ") but the cell is clean: the "
                    << "expectation is stale, or the suite stopped catching it\n" << session.evidence();
    } else if (expected_reason_.empty()) {
      // Whether the session still worked tells a harmless probe from a fatal call.
      std::string outcome =
          session.client_hung() ? session.hang_description()
          : session.client.code == kSessionFailed
              ? "the session failed: " + session.client_stderr.substr(0, session.client_stderr.find('\n'))
              : "the session still worked (client " + session.client.describe() + ")";
      expected_reason_ = e->rule + " [" + e->reference + "]: " +
                         (seen != findings.end() ? seen->description + "; " + outcome : outcome);
    }
  }
  if (expected_verdict_.empty()) expected_verdict_ = "XFAIL";
  // A session that was to fail is settled; one that still works has the scenario's own checks
  // to pass, known findings or not.
  return session_failed || expected_verdict_ == "XPASS";
}

}  // namespace sshtc
