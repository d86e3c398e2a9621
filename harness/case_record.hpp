// One file per case, written by the case (NO-VERDICT when it starts, its verdict when it has
// one) and read by the reports (the text matrix, matrix.json, junit.xml). A JSON object each,
// the very objects of matrix.json's "records" (README, "Reports").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "audit_findings.hpp"
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
  std::string role = "client";  // or "control": the suite's own negative control
  std::vector<JudgedFinding> findings{};  // the client's and the server's, as judged
  // Where the case's logs were (kept with SSHTC_KEEP_RUN=1), and the ends of the adapter's
  // stderr and the server's log, kept here for the reports.
  std::string case_dir{};
  std::string adapter_stderr{};
  std::string server_log{};
  // The payload bytes a bulk case moved (each direction counted), 0 for the others; with
  // `seconds`, the session's throughput, handshake included.
  uint64_t bytes{0};
  double mb_per_s() const { return seconds > 0 ? bytes / seconds / 1e6 : 0; }
  // A variant column's seed (its random choices; SSHTC_SEED=seed runs them again), 0 elsewhere.
  uint64_t seed{0};

  // "exec/libssh/socketpair@dropbear-i/EchoRoundTrip": the case's name in ctest.
  std::string ctest_name() const;
  std::string server() const;           // of the column: "dropbear-i", or the reference server
  std::string transport_name() const;   // of the column: "socketpair"
};

std::string ctest_name(const std::string& scenario, const std::string& client, const std::string& column,
                       const std::string& test);

void write_record(const std::filesystem::path& results_dir, const CaseRecord& record);
// The records, and the set-up's setup-failed.txt, of an earlier run; nothing else.
void remove_records(const std::filesystem::path& results_dir);
// Every record in the directory; a damaged one is an error that names its file.
std::vector<CaseRecord> read_records(const std::filesystem::path& results_dir);
// A record as the JSON text of its file, and back (throws on a malformed one).
std::string record_json(const CaseRecord& record);
CaseRecord parse_record(const std::string& json);

}  // namespace sshtc
