// Some cells of the matrix run in a child sshtc-cases the way a user runs their own client:
// through SSHTC_EXTRA_CLIENTS, in this run's directory, with results of their own. The tests
// of the suite's verdicts use it, so that they judge exactly what a user's run would print.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "../base/process.hpp"
#include "../harness/implementation.hpp"
#include "../harness/verdict.hpp"

namespace sshtc {

struct ChildCell {
  std::string client;  // an extra client's name, or a registered one
  std::string transport;
  std::string server = kReferenceServer;
  std::string column() const { return column_name(transport, server); }
};

// What one cell of a child matrix must read.
struct ExpectedCell {
  ChildCell cell;
  Verdict verdict;
  std::vector<std::string> reason_has;  // what its reason must name
  std::string test = "Exec.EchoRoundTrip";  // the case of the cell that runs: Fixture.Test
};

// Runs the case (EchoRoundTrip unless said) of each expected cell in `dir`, with `clients` (name → adapter) as
// SSHTC_EXTRA_CLIENTS and `env` added to (or overriding) the child's environment, then fails
// the calling test, naming the cell, wherever a record differs from what is expected or is
// missing.
void expect_child_matrix(const std::filesystem::path& dir,
                         const std::map<std::string, std::filesystem::path>& clients,
                         const std::vector<ExpectedCell>& expected, const Environment& env = {});

}  // namespace sshtc
