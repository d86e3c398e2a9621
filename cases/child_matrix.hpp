// Some cells of the matrix run in a child sshtc-cases the way a user runs their own client:
// through SSHTC_EXTRA_CLIENTS, in this run's directory, with results of their own. The tests
// of the suite's verdicts use it, so that they judge exactly what a user's run would print.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "../harness/case_record.hpp"
#include "../harness/process.hpp"

namespace sshtc {

struct ChildCell {
  std::string client;  // an extra client's name
  std::string transport;
};

// What one cell of a child matrix must read.
struct ExpectedCell {
  ChildCell cell;
  std::string verdict;
  std::vector<std::string> reason_has;  // what its reason must name
};

struct ChildMatrix {
  std::vector<CaseRecord> records;
  std::string output;  // the child's gtest output, for failure messages

  // Fails the calling test, naming the cell, where its EchoRoundTrip record differs or is missing.
  void expect(const ExpectedCell& expected) const;
};

// Runs EchoRoundTrip for each cell in `dir`; `extra_clients` is SSHTC_EXTRA_CLIENTS, `env` adds
// to (or overrides) the child's environment.
ChildMatrix run_child_matrix(const std::filesystem::path& dir, const std::string& extra_clients,
                             const std::vector<ChildCell>& cells, const Environment& env = {});

}  // namespace sshtc
