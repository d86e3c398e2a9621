// Every declared case counted. A run's results directory says what the run was to do and how
// it ended; a declared case with no verdict of this run gets NO-VERDICT, with the cause named.
// Written by scripts/conformance (run.txt, declared.txt, listing-failed.txt, ctest-exit.txt, ctest.log),
// the set-up fixture (setup-failed.txt, implementations.txt) and the cases (their records).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "../harness/case_record.hpp"

namespace sshtc {

struct RunFacts {
  std::optional<std::vector<std::string>> declared;  // ctest names; nothing: no declared.txt
  std::optional<std::string> listing_error;          // listing the matrix failed: why
  std::optional<std::string> setup_error;            // the run's set-up failed: why
  std::optional<int> ctest_exit;
  std::map<std::string, std::string> ctest_outcomes;  // name → "Passed", "***Exception: SegFault"
  std::map<std::string, std::string> server_versions;  // from the set-up's implementations.txt
  // Every adapter of the run: role, name, mode ("-" for clients), version (implementations.txt).
  std::vector<std::vector<std::string>> implementations;
  // What scripts/conformance says of the run (run.txt, key=value): date, suite_commit, kernel,
  // strict, errno_profile, timeout_seconds, eof_grace_seconds, client and transport filters.
  std::map<std::string, std::string> run;
};

RunFacts read_run_facts(const std::filesystem::path& results_dir);
// ctest's "  5/28 Test  #98: NAME ......   Passed    1.13 sec" lines: what it finished, and how.
std::map<std::string, std::string> parse_ctest_outcomes(const std::string& log);

struct AccountedRun {
  std::vector<CaseRecord> records;        // one per declared case, in declared order
  std::vector<std::string> run_problems;  // each fails the gate: "listing the matrix failed: …"
};

// Pure: the records of the declared cases, a NO-VERDICT one for each that has none, and the
// reason of every NO-VERDICT completed from what ctest said. Records of undeclared cases are
// not this run's and are dropped.
AccountedRun account(const RunFacts& facts, const std::vector<CaseRecord>& records);

}  // namespace sshtc
