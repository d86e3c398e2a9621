#include "matrix.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <random>
#include <tuple>

#include "../harness/audit_findings.hpp"
#include "../harness/compliance.hpp"
#include "../harness/judge.hpp"
#include "../transports/transport.hpp"
#include "../transports/variant.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

void PrintTo(const Cell& cell, std::ostream* out) {
  *out << cell.client.name << "/" << cell.transport << "/" << cell.server.name;
}

std::string cell_test_name(const testing::TestParamInfo<Cell>& info) {
  std::string name = info.param.client.name + "_" + info.param.transport;
  if (info.param.server.name != kReferenceServer) name += "_" + info.param.server.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::string Cell::variant() const { return split_variant(transport).second; }

namespace {

// The variant of a transport name, or a clean one.
Variant find_variant_of(const std::string& transport) {
  std::string variant = split_variant(transport).second;
  return variant.empty() ? Variant{} : find_variant(variant);
}

}  // namespace

// The kernel's two descriptor streams a tunnel hands a library: what the variants wrap.
const std::vector<std::string> kVariantBases = {"socketpair", "pipe"};

// The transports people forget (issue 11) run the exec scenario at the default depth, every
// scenario at full depth: the kind of socket is what they test, and the exec cases meet it all
// (the handshake, the session, the end of the stream), within the default matrix's budget.
const std::vector<std::string> kExecOnlyByDefault = {"mptcp", "unix-abstract", "vsock"};

std::vector<std::string> transports_served(const std::string& mode) {
  if (mode == "daemon") return {"tcp4"};
  std::vector<std::string> names;
  for (const auto& transport : all_transports()) names.push_back(transport->name());
  for (const auto& base : kVariantBases) {
    for (const auto& variant : variants()) names.push_back(base + "~" + variant.name);
  }
  return names;
}

std::vector<Cell> matrix_cells() {
  std::vector<Cell> cells;
  try {
    for (const auto& server : servers()) {
      for (const auto& client : clients()) {
        for (const auto& transport : transports_served(server.mode)) cells.push_back({client, transport, server});
      }
    }
  } catch (const std::exception& error) {
    // Runs while tests are registered: nothing can be reported later, so say it and stop.
    std::cerr << "ssh-transport-conformance: " << error.what() << "\n";
    std::exit(2);
  }
  return cells;
}

namespace {

std::string& only_cell() {
  static std::string name;  // a cell_test_name(), or empty: every cell
  return name;
}

}  // namespace

void register_only_the_cell_of(const std::string& gtest_filter) {
  // "Matrix/Exec.EchoRoundTrip/libssh_socketpair": one test, no pattern, no second one.
  if (gtest_filter.rfind("Matrix/", 0) != 0 || gtest_filter.find_first_of("*?:-") != std::string::npos) return;
  auto slash = gtest_filter.rfind('/');
  if (slash <= std::string("Matrix/").size()) return;
  only_cell() = gtest_filter.substr(slash + 1);
}

std::vector<Cell> registered_cells() {
  std::vector<Cell> cells = matrix_cells();
  if (only_cell().empty()) return cells;
  std::vector<Cell> chosen;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cell_test_name(testing::TestParamInfo<Cell>(cells[i], i)) == only_cell()) chosen.push_back(cells[i]);
  }
  return chosen;
}

MatrixNames matrix_names() {
  MatrixNames names;
  auto add = [](std::vector<std::string>& list, const std::string& name) {
    if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
  };
  for (const auto& cell : matrix_cells()) {
    add(names.clients, cell.client.name);
    add(names.servers, cell.server.name);
    std::pair<std::string, std::string> column{cell.transport, cell.server.name};
    if (std::find(names.columns.begin(), names.columns.end(), column) == names.columns.end()) {
      names.columns.push_back(column);
    }
  }
  names.scenarios = scenario_names();
  // Every case of every scenario, deep ones included: gtest has them all registered.
  const auto* unit = testing::UnitTest::GetInstance();
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const auto* suite = unit->GetTestSuite(i);
    if (std::string(suite->name()).rfind("Matrix/", 0) != 0) continue;
    for (int j = 0; j < suite->total_test_count(); ++j) {
      std::string test = suite->GetTestInfo(j)->name();
      add(names.cases, scenario_of_suite(suite->name()) + "/" + test.substr(0, test.find('/')));
    }
  }
  return names;
}

const std::vector<Expectation>& matrix_expectations() {
  static const std::vector<Expectation> expectations = load_expectations(expectations_file(), matrix_names());
  return expectations;
}

namespace {

// fixture → scenario, filled while the program starts (static initialisers of the scenarios'
// files), read after.
std::vector<std::pair<std::string, std::string>>& scenario_registry() {
  static std::vector<std::pair<std::string, std::string>> registry;
  return registry;
}

}  // namespace

bool register_scenario(const std::string& fixture, const std::string& name) {
  bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  for (const auto& [other_fixture, other] : scenario_registry()) {
    if (other == name) word = false;
  }
  if (!word) {
    // Runs before main: nothing can be reported later, so say it and stop.
    std::cerr << "ssh-transport-conformance: the scenario '" << name << "' of " << fixture
              << " must be a new lowercase word (a-z, 0-9, '-')\n";
    std::exit(2);
  }
  scenario_registry().emplace_back(fixture, name);
  return true;
}

namespace {

std::vector<std::tuple<std::string, std::string, CaseTrait>>& case_traits() {
  static std::vector<std::tuple<std::string, std::string, CaseTrait>> traits;
  return traits;
}

}  // namespace

bool register_case_trait(const std::string& fixture, const std::string& test, CaseTrait trait) {
  case_traits().emplace_back(fixture, test, trait);
  return true;
}

bool has_trait(const std::string& fixture, const std::string& test, CaseTrait trait) {
  const auto& all = case_traits();
  return std::find(all.begin(), all.end(), std::make_tuple(fixture, test, trait)) != all.end();
}

bool is_listed(const std::string& client, const std::string& transport, const std::string& server,
               const std::string& scenario, const std::string& fixture, const std::string& test, bool full,
               bool product) {
  if (!full && has_trait(fixture, test, CaseTrait::Deep)) return false;
  // Every client meets the reference server; every other server meets the reference clients.
  // The product of the two grows with each implementation added on either end: on request.
  if (!product && server != kReferenceServer &&
      std::find(kReferenceClients.begin(), kReferenceClients.end(), client) == kReferenceClients.end()) {
    return false;
  }
  // By default the other servers' tables run exec, which asks of every client and transport what
  // the reference table asks; their stdin, sftp and forward cases, which ask it again of the
  // server, at full depth. (Each table of them is as large as the reference one: the default
  // matrix would grow by one reference table per server.)
  if (!full && server != kReferenceServer && scenario != "exec") return false;
  const bool exec_only = std::find(kExecOnlyByDefault.begin(), kExecOnlyByDefault.end(), transport) !=
                         kExecOnlyByDefault.end();
  if (exec_only) return full || scenario == "exec";
  const std::string variant = split_variant(transport).second;
  if (variant.empty()) return true;
  if (scenario != "exec" || has_trait(fixture, test, CaseTrait::Bulk)) return false;
  if (has_trait(fixture, test, CaseTrait::Volume) && !find_variant(variant).carries_volume) return false;
  return full || (server == kReferenceServer && has_trait(fixture, test, CaseTrait::OnVariants));
}

const std::vector<std::string>& scenario_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const auto& entry : scenario_registry()) all.push_back(entry.second);
    return all;
  }();
  return names;
}

std::string scenario_of_suite(const std::string& suite) {
  std::string fixture = suite.substr(suite.find('/') + 1);
  for (const auto& [registered, name] : scenario_registry()) {
    if (registered == fixture) return name;
  }
  throw std::logic_error("the matrix suite " + suite + " declares no scenario (SSHTC_SCENARIO)");
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

std::string MatrixCase::scenario() const {
  return scenario_of_suite(testing::UnitTest::GetInstance()->current_test_info()->test_suite_name());
}

CaseRecord MatrixCase::record_of_cell() const {
  const Cell& cell = GetParam();
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  CaseRecord record;
  record.client = cell.client.name;
  record.role = cell.client.role;
  record.client_version = version(cell.client, RunContext::get().run);
  record.transport = cell.column();
  record.scenario = scenario();
  record.test = info->name();
  record.test = record.test.substr(0, record.test.find('/'));
  if (!cell.variant().empty()) record.seed = seed();
  return record;
}

void MatrixCase::SetUp() {
  CaseRecord record = record_of_cell();
  record.verdict = Verdict::NoVerdict;
  record.reason = "the case started but ended before writing its verdict: it crashed or was killed";
  write_record(RunContext::get().results, record);
}

std::string MatrixCase::where(const std::string& command) const { return where_on(GetParam().transport, command); }

std::string MatrixCase::where_on(const std::string& transport, const std::string& command) const {
  const Cell& cell = GetParam();
  // A variant's random choices come from the seed: with it, SSHTC_SEED gives the same run again.
  std::string seeded = split_variant(transport).second.empty() ? "" : ", seed " + std::to_string(seed());
  return cell.client.name + " over " + transport + " (" + cell.server.name + seeded + "), " + scenario() + " `" +
         command + "`";
}

std::optional<std::string> MatrixCase::status_check(const SessionResult& session, const std::string& label,
                                                    int expected, const std::string& also) const {
  if (session.client.code == expected) return std::nullopt;
  return where(label) + ": client " + session.client.describe() + ", expected exit " + std::to_string(expected) +
         (also.empty() ? "" : " " + also) + " — adapter: " + first_line(session.client_stderr);
}

uint64_t MatrixCase::seed() const {
  // One per case, drawn when it starts, unless the run fixes it to reproduce a case.
  static const uint64_t fixed = [] {
    const char* text = std::getenv("SSHTC_SEED");
    return text && *text ? std::stoull(text, nullptr, 0) : 0;
  }();
  if (fixed != 0) return fixed;
  // 53 bits: exact in every JSON reader (matrix.json's "seed", the HTML page's script).
  if (seed_ == 0) seed_ = ((std::random_device{}() | (uint64_t{std::random_device{}()} << 32)) & ((uint64_t{1} << 53) - 1)) | 1;
  return seed_;
}

SessionResult MatrixCase::run_session_of_cell(const CaseInput& input, const std::string& transport,
                                              const fs::path& dir) const {
  const Cell& cell = GetParam();
  const RunContext& context = RunContext::get();
  SessionRequest request{scenario(), input.command};
  request.stdin_file = input.stdin_file;
  request.variables = input.variables;
  request.stdout_reader_quits_after = input.stdout_reader_quits_after;
  if (input.failure_is_a_hang) request.timeout /= 5;
  // A bulk case gets 2 s more per MiB it moves: a floor of 0.5 MiB/s, below any pair measured
  // here (sftp over TCP to dropbear -i moves 0.7 MB/s), so that the 64 MiB payloads of the full
  // depth do not time out. Slowness shows in the throughput, not as a hang.
  request.timeout += std::chrono::seconds(2 * (input.bytes >> 20));
  // A hang the expectations know gets a 1 s EOF grace, not 3: its outcome is known, and a
  // client that has been fixed ends well within it (and reads XPASS). paramiko's spin on its
  // ProxyCommand's EOF (paramiko/paramiko#1277) burns a core for the whole grace.
  if (hang_is_known(transport)) request.eof_grace = std::min(request.eof_grace, std::chrono::milliseconds(1000));
  return run_session(context.run, cell.client, *find_transport(transport, seed()), cell.server, request, dir);
}

bool MatrixCase::hang_is_known(const std::string& transport) const {
  const Cell& cell = GetParam();
  const RunDirectory& run = RunContext::get().run;
  auto rules = fault_rules();
  rules.push_back(kSessionHangs);
  rules.push_back(kSessionMayHang);
  std::string test = record_of_cell().test;
  for (const auto& e : matrix_expectations()) {
    if (e.side == "client" && std::find(rules.begin(), rules.end(), e.rule) != rules.end() &&
        e.covers(cell.client.name, version(cell.client, run), transport, cell.server.name, scenario(), test)) {
      return true;
    }
  }
  return false;
}

void MatrixCase::run_case(const std::string& command, const Check& check) {
  run_case([&](const fs::path&) { return CaseInput{command}; }, check);
}

// What one session of the case did, over `transport`: the facts the verdict needs, the findings
// and what the record keeps.
struct MatrixCase::Observed {
  CaseFacts facts;
  std::vector<Observation> findings;
  CaseRecord record;
};

MatrixCase::Observed MatrixCase::observe(const CaseInput& input, const std::string& transport, const fs::path& dir,
                                         const Check& check, Observed observed) const {
  CaseFacts& facts = observed.facts;
  CaseRecord& record = observed.record;
  try {
    SessionResult session = run_session_of_cell(input, transport, dir);
    // A server that refuses the scenario says so as a client would: kCannotDo, a reason.
    if (session.server.code == kCannotDo) {
      std::string said = read_file(dir / "server.stderr");
      facts.unavailable = "the server " + GetParam().server.name + " cannot do the scenario " + facts.scenario + ": " +
                          first_line(said);
    }
    record.seconds = session.seconds;
    facts.client_status = session.client;
    if (session.client_hung()) facts.hang = session.hang_description();
    facts.client_said = first_line(session.client_stderr);
    facts.check_failure = check(session);
    // A fault's column is judged by the fault's rule once the fault came; a session that ended
    // before it is judged as on a clean stream, unless it worked: then the fault was misplaced.
    const std::string fault_rule = find_variant_of(transport).fault_rule;
    if (!fault_rule.empty() && !session.fault.empty()) {
      facts.fault_rule = fault_rule;
      facts.fault = session.fault;
    } else if (!fault_rule.empty() && session.client.code == 0 && !facts.check_failure) {
      facts.harness_error = "the stream's fault (" + split_variant(transport).second +
                            ") never came: the session ended before it, so this case says nothing";
    }
    // Throughput only of what arrived whole.
    if (!facts.check_failure && !session.client_hung()) record.bytes = input.bytes;
    facts.evidence = session.evidence();
    record.case_dir = session.dir.string();
    record.adapter_stderr = session.adapter_stderr_tail();
    record.server_log = session.server_log_tail();
    try {
      observed.findings = audit_findings(session.dir);
      observed.findings.insert(observed.findings.end(), session.stdio_findings.begin(), session.stdio_findings.end());
    } catch (const std::exception& error) {
      facts.harness_error = std::string("the audit records cannot be read: ") + error.what();
    }
  } catch (const std::exception& error) {
    facts.harness_error = std::string("the harness could not run the session: ") + error.what();
  }
  return observed;
}

// The sanity re-run (as tlsfuzzer's): a cell that fails on a variant runs once more on its
// clean base, and the reason says whether the variant is what breaks it.
std::string MatrixCase::on_the_clean_base(const CaseInput& input, const fs::path& dir, const Check& check,
                                          const std::vector<Expectation>& expectations, Strictness strictness) const {
  const Cell& cell = GetParam();
  auto [base, variant] = split_variant(cell.transport);
  fs::path clean_dir = dir.string() + ".on-" + base;
  fs::remove_all(clean_dir);
  fs::create_directories(clean_dir);
  // The shaped run got this far, so only the session differs: fresh facts of the base's column.
  Observed clean = observe(input, base, clean_dir, check, observed_of_cell(base, input));
  Judgement judged = judge(clean.facts, clean.findings, expectations, strictness);
  if (fails_gate(judged.verdict)) {
    return "fails on " + clean.facts.column + " too (" + to_string(judged.verdict) + "), so not only with " + variant;
  }
  return "fails only with " + variant + " (" + find_variant(variant).what + "); " + to_string(judged.verdict) +
         " on " + clean.facts.column;
}

MatrixCase::Observed MatrixCase::observed_of_cell(const std::string& transport, const CaseInput& input) const {
  const Cell& cell = GetParam();
  Observed observed;
  observed.record = record_of_cell();
  CaseFacts& facts = observed.facts;
  facts.where = where_on(transport, input.label.empty() ? input.command : input.label);
  facts.client = cell.client.name;
  facts.client_version = observed.record.client_version;
  facts.transport = transport;
  facts.server = cell.server.name;
  facts.column = column_name(transport, cell.server.name);
  facts.scenario = scenario();
  facts.test = observed.record.test;
  return observed;
}

void MatrixCase::run_case(const Prepare& prepare, const Check& check) {
  const Cell& cell = GetParam();
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = RunContext::get().run.case_dir(std::string(info->test_suite_name()) + "." + info->name());
  CaseInput input;
  std::string unprepared;
  try {
    input = prepare(dir);
  } catch (const std::exception& error) {
    unprepared = std::string("the case could not prepare its session: ") + error.what();
  }
  Observed observed = observed_of_cell(cell.transport, input);
  CaseFacts& facts = observed.facts;
  facts.harness_error = unprepared;
  const RunDirectory& run = RunContext::get().run;
  if (auto client_answer = compliance_failure(cell.client, run)) {
    facts.noncompliant = client_answer;
  } else if (auto server_answer = compliance_failure(cell.server, run)) {
    facts.noncompliant = "the server " + cell.server.name + ": " + *server_answer;
  }
  if (auto reason = find_transport(cell.transport)->unavailable()) {
    facts.unavailable = reason;
  } else if (auto cannot = cannot_do_scenario(cell.client, run, facts.scenario)) {
    facts.unavailable = cell.client.name + " cannot do the scenario " + facts.scenario + ": " + *cannot;
  } else if (auto server_reason = cannot_run_here(cell.server, run)) {
    facts.unavailable = "the server " + cell.server.name + " cannot run here: " + *server_reason;
  } else if (auto client_reason = cannot_run_here(cell.client, run)) {
    facts.unavailable = cell.client.name + " cannot run here: " + *client_reason;
  }
  const std::vector<Expectation>* expectations = nullptr;
  Strictness strictness;
  try {
    expectations = &matrix_expectations();
    strictness = Strictness::from_environment();
  } catch (const std::exception& error) {
    facts.harness_error = std::string("the expectations cannot be used: ") + error.what();
  }
  const bool runs = !facts.noncompliant && !facts.unavailable && facts.harness_error.empty();
  if (runs) observed = observe(input, cell.transport, dir, check, std::move(observed));
  static const std::vector<Expectation> none;
  Judgement judgement = judge(observed.facts, observed.findings, expectations ? *expectations : none, strictness);
  if (runs && !cell.variant().empty() && fails_gate(judgement.verdict) && observed.facts.harness_error.empty()) {
    std::string rerun = on_the_clean_base(input, dir, check, *expectations, strictness);
    judgement.reason.insert(judgement.reason.find('\n') == std::string::npos ? judgement.reason.size()
                                                                                : judgement.reason.find('\n'),
                            "\n" + rerun);
  }
  CaseRecord& record = observed.record;
  record.verdict = judgement.verdict;
  record.reason = judgement.reason;
  record.server_findings = judgement.server_findings;
  record.findings = judgement.findings;
  write_record(RunContext::get().results, record);

  if (judgement.verdict == Verdict::Skip) GTEST_SKIP() << judgement.reason;
  if (fails_gate(judgement.verdict)) {
    ADD_FAILURE() << judgement.reason;
  } else if (judgement.verdict != Verdict::Pass) {
    std::cout << to_string(judgement.verdict) << ": " << judgement.reason << "\n";
  }
}

}  // namespace sshtc
