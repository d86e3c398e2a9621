// Every declared case counted: the ways a run ends without a verdict for each of its cases, as
// data, and the cause each must name. `ctest -L verdict`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "../report/run_accounting.hpp"

namespace sshtc {
namespace {

const std::string kEcho = "exec/libssh/socketpair/EchoRoundTrip";
const std::string kExit = "exec/libssh/socketpair/ExitStatusPropagates";
const std::string kDropbear = "exec/libssh/socketpair@dropbear-i/EchoRoundTrip";

CaseRecord record(const std::string& column, const std::string& test, Verdict verdict,
                  const std::string& reason = "") {
  return {"libssh", "libssh 0.10.6", column, "exec", test, verdict, reason, 0.1, ""};
}

// ctest's own lines, as it prints them.
const std::string kLog =
    "      Start  2: exec/libssh/socketpair/EchoRoundTrip\n"
    " 1/3 Test  #2: exec/libssh/socketpair/EchoRoundTrip ........................   Passed    0.25 sec\n"
    " 2/3 Test  #3: exec/libssh/socketpair/ExitStatusPropagates ..................***Exception: SegFault  0.10 sec\n"
    " 3/3 Test  #4: exec/libssh/socketpair@dropbear-i/EchoRoundTrip ....................***Skipped   0.03 sec\n";

// The set-up lists who took part; the servers' versions head their tables.
TEST(RunAccounting, TheServersVersionsComeFromTheSetUpsList) {
  auto dir = std::filesystem::temp_directory_path() / ("sshtc-facts-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "implementations.txt") << "client\tlibssh\t-\tlibssh 0.10.6\n"
                                                "server\tsshd-i\tinetd\tOpenSSH_9.2\n"
                                                "server\tdropbear-i\tinetd\tcannot run here: no\tdropbear\n";
  auto facts = read_run_facts(dir);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(facts.server_versions, (std::map<std::string, std::string>{
                                       {"sshd-i", "OpenSSH_9.2"}, {"dropbear-i", "cannot run here: no\tdropbear"}}));
}

TEST(RunAccounting, CtestLinesGiveWhatItFinishedAndHow) {
  auto outcomes = parse_ctest_outcomes(kLog);
  EXPECT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(outcomes[kEcho], "Passed");
  EXPECT_EQ(outcomes[kExit], "***Exception: SegFault");
  EXPECT_EQ(outcomes[kDropbear], "***Skipped");
}

struct Ending {
  const char* what;
  RunFacts facts;
  std::vector<CaseRecord> records;
  std::vector<Verdict> verdicts;  // of the declared cases, in order
  std::vector<std::string> reason_has;  // of the first NO-VERDICT, or of the run's problem
  bool run_problem = false;
};

RunFacts declared(std::vector<std::string> names) {
  RunFacts facts;
  facts.declared = std::move(names);
  facts.ctest_exit = 8;
  return facts;
}

RunFacts with(RunFacts facts, const std::function<void(RunFacts&)>& change) {
  change(facts);
  return facts;
}

const std::vector<Ending> kEndings = {
    {"every case has its verdict", with(declared({kEcho, kExit}), [](RunFacts& f) { f.ctest_exit = 0; }),
     {record("socketpair", "EchoRoundTrip", Verdict::Pass), record("socketpair", "ExitStatusPropagates", Verdict::XFail)},
     {Verdict::Pass, Verdict::XFail}, {}},
    {"the set-up failed: every case names it",
     with(declared({kEcho, kExit}), [](RunFacts& f) { f.setup_error = "sshd not found at /nonexistent (SSHTC_SSHD)"; }),
     {}, {Verdict::NoVerdict, Verdict::NoVerdict}, {"set-up failed: sshd not found at /nonexistent (SSHTC_SSHD)"}},
    {"ctest stopped early: the cases it never started",
     with(declared({kEcho, kExit, kDropbear}), [](RunFacts& f) { f.ctest_outcomes = {{kEcho, "Passed"}}; f.ctest_exit = 0; }),
     {record("socketpair", "EchoRoundTrip", Verdict::Pass)}, {Verdict::Pass, Verdict::NoVerdict, Verdict::NoVerdict},
     {"did not run: ctest stopped after 1 of 3 cases (ctest exit 0)"}},
    {"a case crashed after it started: its own NO-VERDICT, with ctest's word for it",
     with(declared({kExit}), [](RunFacts& f) { f.ctest_outcomes = parse_ctest_outcomes(kLog); }),
     {record("socketpair", "ExitStatusPropagates", Verdict::NoVerdict, "the case started but ended before writing its verdict")},
     {Verdict::NoVerdict}, {"the case started but ended before writing its verdict (ctest: ***Exception: SegFault)"}},
    {"a case killed while ctest was stopping", declared({kExit}),
     {record("socketpair", "ExitStatusPropagates", Verdict::NoVerdict, "the case started but ended")},
     {Verdict::NoVerdict}, {"the case started but ended; ctest stopped after 0 of 1 cases (ctest exit 8)"}},
    {"a case ctest ran that wrote nothing at all",
     with(declared({kExit}), [](RunFacts& f) { f.ctest_outcomes = parse_ctest_outcomes(kLog); }), {},
     {Verdict::NoVerdict}, {"ctest ran it (***Exception: SegFault) but it wrote no record"}},
    {"records of undeclared cases are not this run's", declared({kEcho}),
     {record("socketpair", "EchoRoundTrip", Verdict::Pass), record("tcp4", "EchoRoundTrip", Verdict::Fail)},
     {Verdict::Pass}, {}},
    {"listing the matrix failed",
     with(declared({}), [](RunFacts& f) { f.listing_error = "SSHTC_EXTRA_CLIENTS: client name 'bad name' must be"; }),
     {}, {}, {"listing the matrix failed: SSHTC_EXTRA_CLIENTS: client name 'bad name'"}, true},
    {"nothing declared", declared({}), {}, {}, {"no case was declared: the selection matches nothing"}, true},
    {"no declared list at all", RunFacts{}, {record("socketpair", "EchoRoundTrip", Verdict::Pass)}, {},
     {"no list of declared cases (declared.txt)"}, true},
};

TEST(RunAccounting, EveryDeclaredCaseHasAVerdictAndEveryMissingOneItsCause) {
  for (const Ending& ending : kEndings) {
    AccountedRun run = account(ending.facts, ending.records);
    std::vector<Verdict> verdicts;
    std::string reason;
    for (const auto& record : run.records) {
      verdicts.push_back(record.verdict);
      if (record.verdict == Verdict::NoVerdict && reason.empty()) reason = record.reason;
    }
    EXPECT_EQ(verdicts, ending.verdicts) << ending.what;
    EXPECT_EQ(!run.run_problems.empty(), ending.run_problem) << ending.what;
    if (ending.run_problem && !run.run_problems.empty()) reason = run.run_problems.front();
    for (const auto& text : ending.reason_has) {
      EXPECT_NE(reason.find(text), std::string::npos) << ending.what << ": the reason does not say '" << text
                                                      << "':\n" << reason;
    }
  }
}

TEST(RunAccounting, AMissingCaseKeepsItsNameInTheMatrix) {
  AccountedRun run = account(declared({kDropbear}), {});
  ASSERT_EQ(run.records.size(), 1u);
  EXPECT_EQ(run.records[0].ctest_name(), kDropbear);
  EXPECT_EQ(run.records[0].transport, "socketpair@dropbear-i");
}

}  // namespace
}  // namespace sshtc
