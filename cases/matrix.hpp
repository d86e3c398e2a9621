// The axes of the case catalog: client × transport × server, with the run they share.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "../harness/case_record.hpp"
#include "../harness/implementation.hpp"
#include "../harness/expectations.hpp"
#include "../harness/run_directory.hpp"
#include "../harness/judge.hpp"
#include "../harness/session.hpp"

namespace sshtc {

struct Cell {
  Implementation client;
  std::string transport;
  Implementation server{kReferenceServer, {}, "server", "inetd"};
  std::string column() const { return column_name(transport, server.name); }
  std::string variant() const;  // of "socketpair~frag1": "frag1"; empty for a clean stream
};
void PrintTo(const Cell& cell, std::ostream* out);  // "client/transport/server": ctest labels
std::string cell_test_name(const testing::TestParamInfo<Cell>& info);
// Every server's table in registry order: every client (and control) over every transport the
// server serves (inetd: all of them; daemon: tcp4, which the client dials).
std::vector<Cell> matrix_cells();
// The cells gtest registers: all of matrix_cells(), or only the one cell a run asks for by its
// exact name (ctest runs every case as `--gtest_filter=Matrix/Exec.EchoRoundTrip/libssh_socketpair`):
// registering the whole matrix's thousands of tests would cost every case ~30 ms.
std::vector<Cell> registered_cells();
// Called by main() before gtest registers anything: the run asks for this one test, or
// for something else (a pattern, several tests, none), when `filter` is empty or not exact.
void register_only_the_cell_of(const std::string& gtest_filter);
// The transports a server of `mode` serves: for inetd every transport, and every variant over
// the bases the variants wrap (socketpair and pipe: "socketpair~frag1").
std::vector<std::string> transports_served(const std::string& mode);
// Whether ctest lists this case of this cell: the deep cases only at full depth; on a variant's
// column the exec scenario alone, and by default only its OnVariants cases against the
// reference server (at full depth all but the bulk ones, against every inetd server); on
// mptcp, unix-abstract and vsock the exec scenario alone by default.
// Unless `product` (whole_product()), a server other than the reference runs only the reference
// clients' rows.
bool is_listed(const std::string& client, const std::string& transport, const std::string& server,
               const std::string& scenario, const std::string& fixture, const std::string& test, bool full,
               bool product);
// The clients, servers and columns of matrix_cells(): what an expectation may name.
MatrixNames matrix_names();
// The expectations file, checked against matrix_names() when first asked for.
const std::vector<Expectation>& matrix_expectations();
// The scenarios, each declared once by SSHTC_SCENARIO in its file: the gtest suite "Matrix/Exec"
// is the scenario "exec", the name adapters get as SSHTC_SCENARIO and expectations, labels
// and reports use. A suite that no scenario declared is an error.
std::string scenario_of_suite(const std::string& suite);
const std::vector<std::string>& scenario_names();  // in declaration order
bool register_scenario(const std::string& fixture, const std::string& name);

// What a case says of itself, beside its scenario: where and when it runs.
enum class CaseTrait {
  // Full depth only (SSHTC_DEPTH=full, nightly): in the default run it is not listed, so
  // neither run nor counted; the default matrix keeps its time budget.
  Deep,
  // It moves the bulk payload: on clean streams only, never on a variant's column (frag1 waits
  // for every byte to be read).
  Bulk,
  // One of the cases a variant's column runs at the default depth (at full depth they run all
  // of their scenario's cases but the bulk ones).
  OnVariants,
  // It moves volume (a flood its reader quits): not on a variant that cannot carry it within
  // the case's deadline (frag1).
  Volume,
};
bool register_case_trait(const std::string& fixture, const std::string& test, CaseTrait trait);
bool has_trait(const std::string& fixture, const std::string& test, CaseTrait trait);
#define SSHTC_CASE_TRAIT(Fixture, Test, Trait)                                        \
  [[maybe_unused]] const bool sshtc_trait_##Fixture##_##Test##_##Trait =              \
      ::sshtc::register_case_trait(#Fixture, #Test, ::sshtc::CaseTrait::Trait)
#define SSHTC_DEEP_CASE(Fixture, Test) SSHTC_CASE_TRAIT(Fixture, Test, Deep)
#define SSHTC_BULK_CASE(Fixture, Test) SSHTC_CASE_TRAIT(Fixture, Test, Bulk)
#define SSHTC_VARIANT_CASE(Fixture, Test) SSHTC_CASE_TRAIT(Fixture, Test, OnVariants)
#define SSHTC_VOLUME_CASE(Fixture, Test) SSHTC_CASE_TRAIT(Fixture, Test, Volume)

// Declares the scenario `name` (lowercase, a word) whose cases are the TEST_Ps of `Fixture`, a
// MatrixCase, over every cell of the matrix: a new scenario is its file with this one line.
#define SSHTC_SCENARIO(Fixture, name)                                                             \
  INSTANTIATE_TEST_SUITE_P(Matrix, Fixture, testing::ValuesIn(::sshtc::registered_cells()),        \
                           ::sshtc::cell_test_name);                                              \
  [[maybe_unused]] const bool sshtc_scenario_##Fixture = ::sshtc::register_scenario(#Fixture, name)

// What all cases of one process share: the run directory and where results go.
struct RunContext {
  RunDirectory run;
  std::filesystem::path results;
  static const RunContext& get();
};

// The fixture of every matrix case. Each case runs one session, has harness/judge decide its
// verdict, writes its record and reports the verdict to gtest.
class MatrixCase : public testing::TestWithParam<Cell> {
 protected:
  // The scenario's own check of a session: what went wrong, or nothing.
  using Check = std::function<std::optional<std::string>(const SessionResult&)>;
  // What a case asks of the session, made in the case's directory before it starts (a payload
  // to send, a file for the remote to write): the command, the adapter's stdin, and how the
  // case's messages name it ("stdin of 3158073 bytes, seed 42").
  struct CaseInput {
    std::string command;
    std::filesystem::path stdin_file{};
    std::string label{};  // empty: the command
    Environment variables{};  // for both ends: SessionRequest::variables
    uint64_t bytes = 0;       // a bulk case's payload, each direction counted: its throughput
    uint64_t stdout_reader_quits_after = 0;  // SessionRequest's; 0: the harness reads it all
    // A case whose failure is a hang gets a fifth of the session deadline (4 s of the default
    // 20; SSHTC_TIMEOUT_SECONDS scales both): a correct session ends in well under a second, and
    // a known hang should not cost the whole deadline in every run.
    bool failure_is_a_hang = false;
  };
  using Prepare = std::function<CaseInput(const std::filesystem::path& case_dir)>;

  // Writes a NO-VERDICT record first, which the verdict replaces: a case that crashes or is
  // killed before it has one leaves that record behind, and the report names it.
  void SetUp() override;
  void run_case(const std::string& command, const Check& check);
  void run_case(const Prepare& prepare, const Check& check);
  // "libssh over socketpair (sshd-i), exec `echo 1f2e`": the start of every failure message.
  std::string where(const std::string& command) const;
  std::string where_on(const std::string& transport, const std::string& command) const;
  // "… client exit 255, expected exit 0 — adapter: ssh_connect: …", or nothing; `also` is
  // said after the expected exit ("(the echo service accepted 1 connection(s) …)").
  std::optional<std::string> status_check(const SessionResult& session, const std::string& label, int expected,
                                          const std::string& also = "") const;

 private:
  struct Observed;
  std::string scenario() const;  // of the running test
  // The case's seed for a variant's random choices: SSHTC_SEED, or drawn once for the case.
  uint64_t seed() const;
  CaseRecord record_of_cell() const;
  SessionResult run_session_of_cell(const CaseInput& input, const std::string& transport,
                                    const std::filesystem::path& dir) const;
  Observed observe(const CaseInput& input, const std::string& transport, const std::filesystem::path& dir,
                   const Check& check, Observed observed) const;
  // The record and the facts of this cell's case over `transport`, before its session.
  Observed observed_of_cell(const std::string& transport, const CaseInput& input) const;
  std::string on_the_clean_base(const CaseInput& input, const std::filesystem::path& dir, const Check& check,
                                const std::vector<Expectation>& expectations, Strictness strictness) const;
  // Whether an expectation says this case may hang over `transport` (session-hangs,
  // session-may-hang, a fault's rule).
  bool hang_is_known(const std::string& transport) const;
  mutable uint64_t seed_ = 0;
};

}  // namespace sshtc
