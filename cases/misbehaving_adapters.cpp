// The contract's robustness in the matrix itself: adapters that hang, crash, print garbage,
// can do nothing, cannot be started or ignore the scenario each get a verdict that names them
// and what they did, and the run goes on to the end. The session layer's own tests (selftest/session_test.cpp)
// drive the same scripts; this drives them through SSHTC_EXTRA_CLIENTS, as a user would.
#include <gtest/gtest.h>

#include "child_matrix.hpp"
#include "matrix.hpp"

namespace sshtc {
namespace {

struct Misbehaviour {
  std::string script;  // in selftest/adapters/
  ExpectedCell expected;
};

const std::vector<Misbehaviour> kMisbehaviours = {
    {"hangs.sh", {{"broken-hangs", "socketpair"}, Verdict::Fail,
     {"broken-hangs over socketpair", "the client was still running at the deadline (killed)"}}},
    {"crashes.sh", {{"broken-crashes", "socketpair"}, Verdict::Fail,
     {"broken-crashes over socketpair", "client killed by SIGSEGV, expected exit 0", "about to crash"}}},
    {"garbage.sh", {{"broken-garbage", "socketpair"}, Verdict::Fail,
     // 64 random bytes, shown escaped: some byte of them is surely not printable.
     {"broken-garbage over socketpair", "stdout was '", "\\x", "', expected '"}}},
    {"cannot.sh", {{"broken-cannot", "pipe"}, Verdict::Skip, {"broken-cannot cannot do pipe: this adapter does no transport at all"}}},
    // It cannot even be asked: the compliance probe names why, once for its row.
    {"not-executable.sh", {{"broken-stale", "socketpair"}, Verdict::Fail,
     {"not a compliant adapter: broken-stale adapter (compliance probe): cannot start", "Permission denied"}}},
    {"ignores-scenario.sh", {{"broken-ignores", "socketpair"}, Verdict::Fail,
     {"not a compliant adapter: asked for the unknown scenario 'sshtc-compliance-probe', it answered exit 0, "
      "not exit 89 with a reason: hello"}}},
};

TEST(MisbehavingAdapters, EachGetsAVerdictNamingWhatItDidAndTheRunFinishes) {
  std::map<std::string, std::filesystem::path> clients;
  std::vector<ExpectedCell> expected;
  for (const auto& bad : kMisbehaviours) {
    clients.emplace(bad.expected.cell.client, SSHTC_SELFTEST_ADAPTERS "/" + bad.script);
    expected.push_back(bad.expected);
  }
  // A short deadline: the hanging adapter costs it once (and its --version its own 10 s).
  expect_child_matrix(RunContext::get().run.case_dir("MisbehavingAdapters"), clients, expected,
                      {{"SSHTC_TIMEOUT_SECONDS", "2"}});
}

}  // namespace
}  // namespace sshtc
