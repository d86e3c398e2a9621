// One file per case, written by the case (NO-VERDICT when it starts, its verdict when it has
// one) and read by the reports: the matrix printed by scripts/conformance now, HTML/JSON/JUnit
// and baseline diffs later.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "verdict.hpp"

namespace sshtc {

struct CaseRecord {
  std::string client;
  std::string client_version;
  std::string transport;  // the matrix column, e.g. "socketpair" or "tcp4@sshd-D"
  std::string scenario;
  std::string test;
  Verdict verdict = Verdict::NoVerdict;
  std::string reason;  // why it is not a plain PASS; the first line says it
  double seconds = 0;
  // What the audit saw the server (sshd -i) do in this case, "; "-separated: findings about
  // the server, reported in a section of their own, never in the client's verdict.
  std::string server_findings;
  std::string role = "client";  // or "control": the suite's own negative control (Client::role)

  // "exec/libssh/socketpair@dropbear-i/EchoRoundTrip": the case's name in ctest.
  std::string ctest_name() const;
};

std::string ctest_name(const std::string& scenario, const std::string& client, const std::string& column,
                       const std::string& test);

void write_record(const std::filesystem::path& results_dir, const CaseRecord& record);
// The records, and the set-up's setup-failed.txt, of an earlier run; nothing else.
void remove_records(const std::filesystem::path& results_dir);
// Every record in the directory; a damaged one is an error that names its file.
std::vector<CaseRecord> read_records(const std::filesystem::path& results_dir);

}  // namespace sshtc
