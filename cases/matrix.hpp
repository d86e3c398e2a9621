// The axes of the case catalog: client × transport × server, with the run they share.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "../harness/case_record.hpp"
#include "../harness/client.hpp"
#include "../harness/run_directory.hpp"
#include "../harness/session.hpp"

namespace sshtc {

// The reference server in inetd mode (its column names carry no suffix), and OpenSSH as a
// daemon the client dials (tcp4 only). The other servers are harness/server.hpp's.
inline const std::string kInetd = "sshd-i";
inline const std::string kDaemon = "sshd-D";

struct Cell {
  Client client;
  std::string transport;
  std::string server = kInetd;
  std::string column() const { return server == kInetd ? transport : transport + "@" + server; }
};
void PrintTo(const Cell& cell, std::ostream* out);  // "client/transport/server": ctest labels
std::string cell_test_name(const testing::TestParamInfo<Cell>& info);
// Every registered client over every transport against every server, then against the daemon.
std::vector<Cell> matrix_cells();

// What all cases of one process share: the run directory and where results go.
struct RunContext {
  RunDirectory run;
  std::filesystem::path results;
  static const RunContext& get();
};

// The fixture of every matrix case: runs sessions and records the verdict of each case.
class MatrixCase : public testing::TestWithParam<Cell> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs one session; nothing when the case was skipped (the adapter cannot do this cell).
  std::optional<SessionResult> run_scenario(const std::string& scenario, const std::string& command);
  // "libssh over socketpair (sshd-i), exec `echo 1f2e`": the start of every failure message.
  std::string where(const std::string& command) const;

 private:
  // Judges the audit's findings and the session's outcome against the expectations. True when
  // that settles the case: FAIL (an unknown finding, hang or failure), XPASS (a known one was
  // not seen: the expectation is stale) or XFAIL of a session that was to fail. A session that
  // still works with its known findings (XFAIL) goes on to the scenario's own checks.
  bool settled_by_expectations(const SessionResult& session, const std::string& command);

  std::string scenario_;
  double seconds_ = 0;  // time spent in sessions, the measure of this case's cost
  std::string expected_verdict_;  // XFAIL or XPASS once expectations settled the case
  std::string expected_reason_;
  std::string server_findings_;
};

}  // namespace sshtc
