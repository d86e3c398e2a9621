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

struct ChildMatrix {
  std::vector<CaseRecord> records;
  std::string output;  // the child's gtest output, for failure messages

  // The record of `cell`'s EchoRoundTrip case; a failure of the calling test when there is none.
  const CaseRecord* find(const ChildCell& cell) const;
};

// Runs EchoRoundTrip for each cell in `dir`; `extra_clients` is SSHTC_EXTRA_CLIENTS, `env` adds
// to (or overrides) the child's environment.
ChildMatrix run_child_matrix(const std::filesystem::path& dir, const std::string& extra_clients,
                             const std::vector<ChildCell>& cells, const Environment& env = {});

}  // namespace sshtc
