// What changed since an earlier run (its matrix.json, the baseline): cells that got worse or
// better, cells that appeared or went, findings that appeared or vanished, implementations
// whose version changed. Pure, so that selftest/data_test.cpp holds it to a table.
#pragma once

#include <string>
#include <vector>

#include "shards.hpp"

namespace sshtc {

struct BaselineDiff {
  std::vector<std::string> worse;    // "libssh over socketpair: PASS → FAIL, EchoRoundTrip: …"
  std::vector<std::string> better;
  std::vector<std::string> other;    // cells new or gone, findings, versions
  // Worse cells, and new cells that fail the gate: what `--gate regressions` fails on.
  int regressions = 0;
  bool unchanged() const { return worse.empty() && better.empty() && other.empty(); }
  std::string text(const std::string& baseline_source) const;
};

// A cell's verdict is the worst of its cases' (as in the matrix). Of two verdicts that both run,
// the more severe in PASS < XFAIL < WARN < XPASS < FAIL < NO-VERDICT is worse; a SKIP on either
// side is a change, not a regression (the machine may lack what the cell needs).
BaselineDiff diff_against(const Shard& baseline, const Shard& now);

}  // namespace sshtc
