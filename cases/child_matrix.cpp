#include "child_matrix.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "matrix.hpp"

namespace fs = std::filesystem;

namespace sshtc {

namespace {

void expect_cell(const std::vector<CaseRecord>& records, const ExpectedCell& expected,
                 const std::string& output) {
  const ChildCell& cell = expected.cell;
  std::string test = expected.test.substr(expected.test.find('.') + 1);
  auto record = std::find_if(records.begin(), records.end(), [&](const CaseRecord& r) {
    return r.client == cell.client && r.transport == cell.column() && r.test == test;
  });
  if (record == records.end()) {
    ADD_FAILURE() << cell.client << " over " << cell.column() << " left no record\n" << output;
    return;
  }
  EXPECT_EQ(to_string(record->verdict), to_string(expected.verdict))
      << cell.client << " over " << cell.column() << ": " << record->reason;
  for (const auto& text : expected.reason_has) {
    EXPECT_NE(record->reason.find(text), std::string::npos)
        << cell.client << " over " << cell.column() << ": the reason does not name '" << text
        << "':\n" << record->reason;
  }
}

}  // namespace

void expect_child_matrix(const fs::path& dir, const std::map<std::string, fs::path>& clients,
                         const std::vector<ExpectedCell>& expected, const Environment& env) {
  std::string extra_clients, filter;
  for (const auto& [name, adapter] : clients) {
    extra_clients += (extra_clients.empty() ? "" : ";") + name + "=" + adapter.string();
  }
  for (const auto& cell : expected) {
    Cell param{{cell.cell.client, {}}, cell.cell.transport, {cell.cell.server, {}, "server"}};
    filter += std::string(filter.empty() ? "" : ":") + "Matrix/" + cell.test + "/" +
              cell_test_name(testing::TestParamInfo<Cell>(param, 0));
  }
  const RunContext& context = RunContext::get();
  Environment child_env = {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"},
                           {"SSHTC_RUN_DIR", context.run.root.string()},
                           {"SSHTC_RESULTS_DIR", (dir / "results").string()},
                           {"SSHTC_EXTRA_CLIENTS", extra_clients}};
  for (const auto& [name, value] : env) child_env[name] = value;
  auto run = run_command("the matrix with extra clients", {"/proc/self/exe", "--gtest_filter=" + filter},
                         dir / "matrix", std::chrono::seconds(90), child_env);
  std::string output = run.status.describe() + "\n" + run.output;
  if (run.status.timed_out) {
    ADD_FAILURE() << "the child matrix did not finish: " << output;
    return;
  }
  auto records = read_records(dir / "results");
  for (const auto& cell : expected) expect_cell(records, cell, output);
}

}  // namespace sshtc
