// The matrix binary. Besides gtest's own flags it serves ctest:
//   --sshtc-list-cases            one line per case: ctest name, gtest filter, labels (the
//                                 matrix cases, then the regression tests; the deep cases only
//                                 at SSHTC_DEPTH=full). It checks the expectations,
//                                 SSHTC_STRICT and SSHTC_DEPTH first: a run they would break
//                                 is never listed.
//   --sshtc-setup-run DIR         the once-per-run work (keys; every adapter's --version, which
//                                 for a server is its preparation, and compliance probe); on
//                                 failure (a server that cannot prepare itself is one) it
//                                 leaves setup-failed.txt in the results directory
//   --sshtc-cleanup-run DIR       removes the run directory and its private keys
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <set>

#include "../base/process.hpp"
#include "../harness/audit_backend.hpp"
#include "../harness/compliance.hpp"
#include "../harness/judge.hpp"
#include "matrix.hpp"
#include "payload.hpp"
#include "../transports/variant.hpp"

namespace sshtc {
namespace {

int list_cases() {
  bool full = false;
  bool product = false;
  try {
    matrix_expectations();
    Strictness::from_environment();
    full = full_depth();
    product = whole_product();
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 2;
  }
  // The controls' cases are labelled so too: `ctest -L control`.
  std::set<std::string> controls;
  for (const auto& client : clients()) {
    if (client.role == "control") controls.insert(client.name);
  }
  const auto* unit = testing::UnitTest::GetInstance();
  for (int s = 0; s < unit->total_test_suite_count(); ++s) {
    const auto* suite = unit->GetTestSuite(s);
    for (int t = 0; t < suite->total_test_count(); ++t) {
      const auto* test = suite->GetTestInfo(t);
      if (!test->value_param()) {
        std::cout << "regression/" << test->name() << "\t" << suite->name() << "." << test->name()
                  << "\tregression\n";
        continue;
      }
      // value_param is "client/transport/server" (PrintTo); the suite is "Matrix/Exec".
      std::string param = test->value_param();
      std::string client = param.substr(0, param.find('/'));
      std::string rest = param.substr(client.size() + 1);
      std::string transport = rest.substr(0, rest.find('/'));
      std::string server = rest.substr(transport.size() + 1);
      std::string scenario = scenario_of_suite(suite->name());
      std::string test_name = test->name();
      test_name = test_name.substr(0, test_name.find('/'));
      std::string fixture = std::string(suite->name()).substr(std::string(suite->name()).find('/') + 1);
      if (!is_listed(client, transport, server, scenario, fixture, test_name, full, product)) continue;
      std::string column = column_name(transport, server);
      bool control = controls.count(client) > 0;
      // A variant's cases are labelled with its name too: `ctest -L frag1`.
      std::string variant = split_variant(transport).second;
      std::cout << ctest_name(scenario, client, column, test_name) << "\t" << suite->name() << "."
                << test->name() << "\t" << client << "," << transport << "," << server << ","
                << scenario << ",matrix" << (control ? ",control" : "") << (variant.empty() ? "" : "," + variant)
                << "\n";
    }
  }
  return 0;
}

int setup_run(const char* dir) {
  // Records of an earlier run would mix into this run's reports: gone before anything can fail.
  // (What scripts/conformance keeps there, its ctest log, stays.)
  const char* results = std::getenv("SSHTC_RESULTS_DIR");
  if (results && *results) remove_records(results);
  try {
    RunDirectory run = RunDirectory::create(dir);
    // Said once per run: a run that could not have the syscall backend says why.
    const AuditChoice audit = audit_choice(run);
    std::cout << "audit: " << audit.describe() << "\n";
    if (results && *results && std::filesystem::exists(std::filesystem::path(results) / "run.txt")) {
      std::ofstream(std::filesystem::path(results) / "run.txt", std::ios::app) << "audit=" << audit.describe() << "\n";
    }
    const auto& adapters = all_implementations();
    ask_every_adapter(adapters, run, scenario_names());
    for (const auto& adapter : adapters) {
      auto failure = compliance_failure(adapter, run);
      std::cout << adapter.role << " " << adapter.name << ": " << version(adapter, run)
                << (failure ? "; NOT COMPLIANT: " + *failure : "") << "\n";
    }
    if (results && *results) {
      // Who took part, for the report: the servers' versions head their tables.
      std::filesystem::create_directories(results);
      std::ofstream listed(std::filesystem::path(results) / "implementations.txt");
      for (const auto& adapter : adapters) {
        listed << adapter.role << "\t" << adapter.name << "\t" << (adapter.mode.empty() ? "-" : adapter.mode)
               << "\t" << version(adapter, run) << "\n";
      }
    }
    for (const auto& adapter : adapters) {
      if (auto failure = preparation_failure(adapter, run)) throw std::runtime_error(*failure);
    }
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "ssh-transport-conformance set-up failed: " << error.what() << "\n";
    if (results && *results) {
      // The report names the cause for every case this left without a verdict.
      std::filesystem::create_directories(results);
      std::ofstream(std::filesystem::path(results) / "setup-failed.txt") << error.what() << "\n";
    }
    return 1;
  }
}

}  // namespace
}  // namespace sshtc

int main(int argc, char** argv) {
  sshtc::install_signal_cleanup();
  if (argc == 3 && std::strcmp(argv[1], "--sshtc-setup-run") == 0) return sshtc::setup_run(argv[2]);
  if (argc == 3 && std::strcmp(argv[1], "--sshtc-cleanup-run") == 0) {
    const char* keep = std::getenv("SSHTC_KEEP_RUN");
    if (!(keep && *keep == '1')) sshtc::RunDirectory::remove(argv[2]);
    return 0;
  }
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--gtest_filter=", 15) == 0) sshtc::register_only_the_cell_of(argv[i] + 15);
  }
  testing::InitGoogleTest(&argc, argv);
  if (argc == 2 && std::strcmp(argv[1], "--sshtc-list-cases") == 0) return sshtc::list_cases();
  return RUN_ALL_TESTS();
}
