// One line per finished case, written by the case and read by the reports: the matrix
// printed by scripts/conformance now, HTML/JSON/JUnit and baseline diffs later.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sshtc {

struct CaseRecord {
  std::string client;
  std::string client_version;
  std::string transport;  // the matrix column, e.g. "socketpair" or "tcp4@sshd-D"
  std::string scenario;
  std::string test;
  std::string verdict;  // PASS, FAIL, SKIP
  std::string reason;   // why it failed or was skipped; the first line says it
  double seconds = 0;
  // What the audit saw the server (sshd -i) do in this case, "; "-separated: findings about
  // the server, reported in a section of their own, never in the client's verdict.
  std::string server_findings;
};

void write_record(const std::filesystem::path& results_dir, const CaseRecord& record);
// Every record in the directory; a damaged one is an error that names its file.
std::vector<CaseRecord> read_records(const std::filesystem::path& results_dir);

}  // namespace sshtc
