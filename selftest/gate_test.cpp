// The gate, end to end: scripts/conformance run the way a CI job runs it, and broken in each
// way it once went green without running anything. Each must exit non-zero and name the
// cause; the same run left whole must pass. Runs nested in a ctest of the same build, with a
// run directory and results of its own (SSHTC_RUN_DIR, SSHTC_RESULTS_DIR).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <thread>

#include <nlohmann/json.hpp>

#include "../base/process.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

struct GateRun {
  ExitStatus status;
  std::string output;  // stdout, then stderr
};

class Gate : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = fs::temp_directory_path().string() + "/sshtc-gate-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    fs::create_directory(dir_ / "tmp");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path results() const { return dir_ / "results"; }
  // What the run left in its TMPDIR: its scratch directories must go even when it is killed.
  std::vector<std::string> leftovers() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_ / "tmp")) names.push_back(entry.path().filename());
    return names;
  }

  // scripts/conformance ARGS with `env` added; `while_running` may act on it meanwhile.
  GateRun conformance(const std::vector<std::string>& args, const Environment& env = {},
                      bool sigint_ignored = false,
                      const std::function<void(Process&)>& while_running = {}) {
    ProcessSpec spec;
    spec.what = "scripts/conformance";
    std::string script = SSHTC_SOURCE_DIR "/scripts/conformance";
    // A background job of a non-interactive shell starts with SIGINT ignored, and bash can
    // then trap nothing: the script's own "interrupted" message never comes.
    spec.argv = sigint_ignored ? std::vector<std::string>{"/bin/sh", "-c", "trap '' INT; exec \"$0\" \"$@\"", script}
                               : std::vector<std::string>{script};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env = {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}, {"HOME", dir_.string()}, {"LANG", "C.UTF-8"},
                {"SSHTC_BUILD_DIR", SSHTC_BINARY_DIR}, {"SSHTC_SKIP_BUILD", "1"}, {"SSHTC_JOBS", "1"},
                {"SSHTC_RESULTS_DIR", results().string()}, {"SSHTC_RUN_DIR", (dir_ / "run").string()},
                {"SSHTC_REPORT_DIR", (dir_ / "report").string()},
                {"TMPDIR", (dir_ / "tmp").string()}};
    for (const auto& [name, value] : env) spec.env[name] = value;
    spec.stdout_path = dir_ / "out";
    spec.stderr_path = dir_ / "err";
    Process process = Process::spawn(spec);
    if (while_running) while_running(process);
    GateRun run;
    run.status = process.wait_until(Clock::now() + std::chrono::seconds(120));
    run.output = read_file(dir_ / "out") + read_file(dir_ / "err");
    return run;
  }

  // What every broken run must show: a failed gate, with the cause named.
  void expect_failed_naming(const GateRun& run, const std::vector<std::string>& causes) {
    EXPECT_FALSE(run.status.timed_out) << run.output;
    EXPECT_NE(run.status.code, 0) << run.output;
    EXPECT_EQ(run.output.find("gate passed"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("gate FAILED"), std::string::npos) << run.output;
    for (const auto& cause : causes) {
      EXPECT_NE(run.output.find(cause), std::string::npos) << "the output does not name '" << cause << "':\n"
                                                           << run.output;
    }
  }

  fs::path write_file(const std::string& name, const std::string& text, bool executable = false) {
    fs::path path = dir_ / name;
    std::ofstream(path) << text;
    if (executable) fs::permissions(path, fs::perms::owner_all);
    return path;
  }

  fs::path dir_;
};

TEST_F(Gate, AWholeRunPasses) {
  GateRun run = conformance({"--client", "libssh", "--transport", "socketpair"});
  EXPECT_EQ(run.status.code, 0) << run.output;
  EXPECT_NE(run.output.find("declared cases ("), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("; gate passed"), std::string::npos) << run.output;
}

// The run's reports, read by real consumers (selftest/check_reports.py: jsonschema against the
// documented schema, junitparser), agree with the text matrix; and the check fails, naming what,
// when a report is wrong.
TEST_F(Gate, TheReportsAgreeWithTheMatrixAndTheirSchema) {
  // One server's table: its counts stay what they are as servers are added.
  GateRun run = conformance({"--client", "libssh", "--transport", "socketpair", "--scenario", "exec", "--server", "sshd-i"});
  ASSERT_EQ(run.status.code, 0) << run.output;
  fs::path reports = dir_ / "report";
  for (const char* report : {"matrix.txt", "matrix.json", "junit.xml", "matrix.html"}) {
    EXPECT_NE(run.output.find("report: " + (reports / report).string()), std::string::npos) << run.output;
  }
  auto check = [&](const fs::path& dir, const std::string& dom = "") {
    std::vector<std::string> argv = {"/usr/bin/python3", SSHTC_SOURCE_DIR "/selftest/check_reports.py",
                                     SSHTC_SOURCE_DIR "/report/matrix.schema.json", dir.string()};
    if (!dom.empty()) argv.push_back(dom);
    return run_command("check_reports.py", argv, dir_ / "check", std::chrono::seconds(30));
  };
  auto checked = check(reports);
  EXPECT_EQ(checked.status.code, 0) << checked.output;
  EXPECT_NE(checked.output.find("reports agree: 2 cases, {'PASS': 2}; junit 2 cases, 0 failures, 0 skipped"),
            std::string::npos) << checked.output;

  // The page in a real browser: what headless Chromium rendered must show every cell, with its
  // verdict; a page whose script does not run shows none, and the check says so.
  const fs::path chromium = "/usr/bin/chromium";
  if (!fs::exists(chromium)) {
    ADD_FAILURE() << "chromium is not installed (apt-get install chromium): the HTML page is untested";
  } else {
    auto render = [&](const fs::path& page) {
      fs::path dom = dir_ / (page.stem().string() + ".dom.html");
      ProcessSpec spec;
      spec.what = "chromium --dump-dom";
      // Its own profile and HOME, and no sandbox: the suite runs as root on CI machines.
      spec.argv = {chromium.string(), "--headless", "--no-sandbox", "--disable-gpu",
                   "--user-data-dir=" + (dir_ / "chromium").string(), "--dump-dom", "file://" + page.string()};
      spec.env = {{"PATH", "/usr/bin:/bin"}, {"HOME", dir_.string()}, {"TMPDIR", (dir_ / "tmp").string()}};
      spec.stdout_path = dom;
      spec.stderr_path = dir_ / "chromium.stderr";
      auto status = Process::spawn(spec).wait_until(Clock::now() + std::chrono::seconds(60));
      EXPECT_EQ(status.code, 0) << status.describe() << ": " << read_file(spec.stderr_path);
      return dom.string();
    };
    auto shown = check(reports, render(reports / "matrix.html"));
    EXPECT_EQ(shown.status.code, 0) << shown.output;
    EXPECT_NE(shown.output.find("; the page shows every cell"), std::string::npos) << shown.output;
    std::string page = read_file(reports / "matrix.html");
    page.replace(page.rfind("draw();"), 7, "");
    write_file("broken-page.html", page);
    auto blank = check(reports, render(dir_ / "broken-page.html"));
    EXPECT_EQ(blank.status.code, 1) << blank.output;
    EXPECT_NE(blank.output.find("matrix.html shows 0 of 1 cells"), std::string::npos) << blank.output;

    // Cells that share a reason share one note, which names them: a server that cannot run
    // here is one line, not one per cell.
    auto matrix = nlohmann::json::parse(read_file(reports / "matrix.json"));
    nlohmann::json records = nlohmann::json::array();
    for (auto record : matrix["records"]) {
      // The run has sshd-i's table only: its cell, made dropbear-i's.
      if (record["server"] != "sshd-i") continue;
      record["server"] = "dropbear-i";
      for (const char* transport : {"socketpair", "tcp4", "unix"}) {
        record["transport"] = transport;
        record["column"] = std::string(transport) + "@dropbear-i";
        record["verdict"] = "SKIP";
        record["reason"] = "the server dropbear-i cannot run here: no user namespaces";
        records.push_back(record);
      }
    }
    matrix["records"] = records;
    write_file("skipped.json", matrix.dump());
    auto page_of = run_command("sshtc-report --html", {SSHTC_BINARY_DIR "/report/sshtc-report", "--html",
                                                       (dir_ / "skipped.html").string(), (dir_ / "skipped.json").string()},
                               dir_ / "skipped", std::chrono::seconds(30));
    EXPECT_EQ(page_of.status.code, 0) << page_of.output;
    std::string dom = read_file(render(dir_ / "skipped.html"));
    const std::string note = "SKIP: the server dropbear-i cannot run here: no user namespaces";
    EXPECT_NE(dom.find(note + " <span class=\"cells-of-note\">(3 cells: libssh over socketpair, libssh over tcp4, "
                              "libssh over unix)</span>"), std::string::npos) << dom;
    EXPECT_EQ(dom.find(note, dom.find(note) + 1), std::string::npos) << "the note is there once:\n" << dom;
  }

  // Negative controls: a verdict the schema does not know, and a JUnit file short of a case.
  fs::path broken = dir_ / "broken";
  fs::create_directories(broken);
  for (const char* report : {"matrix.txt", "matrix.json", "junit.xml"}) fs::copy_file(reports / report, broken / report);
  std::string json = read_file(broken / "matrix.json");
  json.replace(json.find("\"verdict\": \"PASS\""), 17, "\"verdict\": \"MAYBE\"");
  write_file("broken/matrix.json", json);
  auto bad_json = check(broken);
  EXPECT_EQ(bad_json.status.code, 1) << bad_json.output;
  EXPECT_NE(bad_json.output.find("matrix.json: records/"), std::string::npos) << bad_json.output;
  EXPECT_NE(bad_json.output.find("'MAYBE' is not one of"), std::string::npos) << bad_json.output;

  fs::copy_file(reports / "matrix.json", broken / "matrix.json", fs::copy_options::overwrite_existing);
  std::string xml = read_file(broken / "junit.xml");
  auto first = xml.find("    <testcase ");
  xml.erase(first, xml.find("</testcase>\n", first) + 12 - first);
  write_file("broken/junit.xml", xml);
  auto bad_junit = check(broken);
  EXPECT_EQ(bad_junit.status.code, 1) << bad_junit.output;
  EXPECT_NE(bad_junit.output.find("junit.xml: 1 cases"), std::string::npos) << bad_junit.output;
}

// The matrix's tables, notes and server findings, without what follows (throughput, which is
// measured, shards, counts, time): what shards must reproduce.
std::string tables_of(const std::string& output) {
  auto start = output.find("server ");
  if (start == std::string::npos) return "";
  std::string tables = output.substr(start, output.rfind("\n\n", output.find(" cells from ")) - start);
  auto throughput = tables.find("\nthroughput, MB/s");
  if (throughput != std::string::npos) tables = tables.substr(0, throughput);
  auto shards = tables.rfind(" shards: ");
  return shards == std::string::npos ? tables : tables.substr(0, tables.rfind("\n\n", shards));
}

std::string counts_of(const std::string& output) {
  auto at = output.find(" cells from ");
  return output.substr(output.rfind('\n', at) + 1, output.find(';', at) - output.rfind('\n', at) - 1);
}

// The registered servers, in the order of the build's implementations.list (role, name, ...).
std::vector<std::string> registered_servers() {
  std::ifstream list(SSHTC_BINARY_DIR "/implementations.list");
  std::vector<std::string> names;
  for (std::string line; std::getline(list, line);) {
    if (line.rfind("server\t", 0) == 0) names.push_back(line.substr(7, line.find('\t', 7) - 7));
  }
  return names;
}

// A run split by server (scripts/conformance --server, as one CI job per server would) and its
// shards merged by sshtc-report: the same matrix as the run in one piece.
TEST_F(Gate, ShardsMergeIntoTheUnsplitMatrix) {
  const std::vector<std::string> servers = registered_servers();
  ASSERT_GE(servers.size(), 4u) << "no servers read from " SSHTC_BINARY_DIR "/implementations.list";
  GateRun whole = conformance({"--client", "libssh", "--transport", "tcp4", "--scenario", "exec"});
  ASSERT_EQ(whole.status.code, 0) << whole.output;
  fs::rename(results(), dir_ / "whole");
  std::vector<std::string> merge = {SSHTC_BINARY_DIR "/report/sshtc-report"};
  for (const std::string& server : servers) {
    GateRun part = conformance({"--client", "libssh", "--transport", "tcp4", "--scenario", "exec", "--server", server});
    ASSERT_EQ(part.status.code, 0) << part.output;
    fs::rename(results(), dir_ / server);
    merge.push_back((dir_ / server).string());
  }
  auto merged = run_command("sshtc-report of the shards", merge, dir_ / "merge", std::chrono::seconds(30));
  EXPECT_EQ(merged.status.code, 0) << merged.output;
  EXPECT_EQ(counts_of(merged.output), counts_of(whole.output)) << merged.output;
  // Each server, tcp4: one cell of two exec cases.
  const std::string n = std::to_string(servers.size()), cases = std::to_string(2 * servers.size());
  EXPECT_EQ(counts_of(merged.output), n + " cells from " + cases + " declared cases (" + cases + " PASS)");
  EXPECT_EQ(tables_of(merged.output), tables_of(whole.output)) << merged.output << "\n---\n" << whole.output;
  EXPECT_NE(merged.output.find(n + " shards: "), std::string::npos) << merged.output;
  for (const std::string& server : servers) {
    EXPECT_NE(tables_of(merged.output).find("server " + server + " ("), std::string::npos) << merged.output;
  }

  // Shards that disagree on a case: an error naming it and both sources.
  fs::path other = dir_ / "disagrees";
  fs::copy(dir_ / "sshd-D", other);
  for (const auto& entry : fs::directory_iterator(other)) {
    if (entry.path().extension() != ".json") continue;
    std::string text = read_file(entry.path());
    text.replace(text.find("\"verdict\":\"PASS\""), 16, "\"verdict\":\"FAIL\"");
    std::ofstream(entry.path()) << text;
    break;
  }
  auto conflict = run_command("sshtc-report of disagreeing shards",
                              {SSHTC_BINARY_DIR "/report/sshtc-report", (dir_ / "sshd-D").string(), other.string()},
                              dir_ / "conflict", std::chrono::seconds(30));
  EXPECT_EQ(conflict.status.code, 2) << conflict.output;
  EXPECT_NE(conflict.output.find("is PASS in " + (dir_ / "sshd-D").string() + " but FAIL in " + other.string()),
            std::string::npos) << conflict.output;
}

// A baseline: a run against itself is no change; a cell made worse is named, and fails
// `--gate regressions`, which passes a failure the baseline already had.
TEST_F(Gate, ABaselineNamesWhatGotWorseAndGatesOnRegressionsOnly) {
  GateRun run = conformance({"--client", "libssh", "--transport", "socketpair", "--scenario", "exec"});
  ASSERT_EQ(run.status.code, 0) << run.output;
  std::string report = SSHTC_BINARY_DIR "/report/sshtc-report";
  fs::path baseline = dir_ / "report" / "matrix.json";
  auto itself = run_command("against itself", {report, "--baseline", baseline.string(), "--gate", "regressions",
                                               results().string()}, dir_ / "itself", std::chrono::seconds(30));
  EXPECT_EQ(itself.status.code, 0) << itself.output;
  EXPECT_NE(itself.output.find("no change since " + baseline.string()), std::string::npos) << itself.output;

  fs::path worse = dir_ / "worse";
  fs::copy(results(), worse);
  fs::path made_worse = worse / "libssh.socketpair.exec.EchoRoundTrip.json";
  std::string text = read_file(made_worse);
  text.replace(text.find("\"verdict\":\"PASS\""), 16, "\"verdict\":\"FAIL\"");
  text.replace(text.find("\"reason\":\"\""), 11, "\"reason\":\"made worse\"");
  std::ofstream(made_worse) << text;
  auto regressed = run_command("a cell made worse", {report, "--baseline", baseline.string(), "--gate", "regressions",
                                                     "--json", (dir_ / "worse.json").string(), worse.string()},
                               dir_ / "regressed", std::chrono::seconds(30));
  EXPECT_EQ(regressed.status.code, 1) << regressed.output;
  EXPECT_NE(regressed.output.find("  worse (1):\n    libssh over socketpair: PASS → FAIL, EchoRoundTrip: made worse\n"),
            std::string::npos) << regressed.output;
  EXPECT_NE(regressed.output.find("1 regression\ngate on regressions FAILED"), std::string::npos) << regressed.output;

  // The failing run as its own baseline: known failures, no new ones.
  auto adopted = run_command("known failures", {report, "--baseline", (dir_ / "worse.json").string(), "--gate",
                                                "regressions", worse.string()}, dir_ / "adopted", std::chrono::seconds(30));
  EXPECT_EQ(adopted.status.code, 0) << adopted.output;
  EXPECT_NE(adopted.output.find("gate FAILED"), std::string::npos) << "the matrix itself still fails:\n" << adopted.output;
  EXPECT_NE(adopted.output.find("gate on regressions passed"), std::string::npos) << adopted.output;
}

TEST_F(Gate, AMissingSshdIsNamedInEveryCase) {
  GateRun run = conformance({"--client", "libssh", "--transport", "socketpair"}, {{"SSHTC_SSHD", "/nonexistent"}});
  expect_failed_naming(run, {"libssh over socketpair: NO-VERDICT, EchoRoundTrip: set-up failed: the server sshd-i "
                             "could not prepare itself: --version: exit 1: sshd not found at /nonexistent (SSHTC_SSHD)"});
}

TEST_F(Gate, AMalformedExtraClientIsNamed) {
  GateRun run = conformance({}, {{"SSHTC_EXTRA_CLIENTS", "bad name=relative/path"}});
  expect_failed_naming(run, {"NO-VERDICT: listing the matrix failed:",
                             "SSHTC_EXTRA_CLIENTS: name 'bad name' must be"});
}

TEST_F(Gate, AMisspeltExpectationIsNamedWithItsFileAndLine) {
  std::ifstream project(SSHTC_SOURCE_DIR "/fixtures/expectations.txt");
  std::string text((std::istreambuf_iterator<char>(project)), std::istreambuf_iterator<char>());
  size_t lines = std::count(text.begin(), text.end(), '\n');
  fs::path file = write_file("expectations.txt", text + "libshh | * | unix | * | client | session-fails | x | y\n");
  GateRun run = conformance({"--client", "libssh"}, {{"SSHTC_EXPECTATIONS", file.string()}});
  expect_failed_naming(run, {"listing the matrix failed: " + file.string() + ":" + std::to_string(lines + 1) +
                             ": no client is named 'libshh'"});
}

TEST_F(Gate, ARunInterruptedWithSigintIgnoredCountsWhatDidNotRun) {
  GateRun run = conformance({"--client", "paramiko"}, {}, true, [&](Process& process) {
    // As soon as the first case has its record, SIGINT to the whole job, as CI's cancel sends.
    auto give_up = Clock::now() + std::chrono::seconds(60);
    auto recorded = [&] {
      if (!fs::exists(results())) return false;
      for (const auto& entry : fs::directory_iterator(results())) {
        if (entry.path().extension() == ".json") return true;
      }
      return false;
    };
    while (!recorded() && Clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(-process.pid(), SIGINT);
  });
  expect_failed_naming(run, {"NO-VERDICT", "did not run: ctest stopped after "});
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

TEST_F(Gate, ACaseThatCrashesBeforeItsVerdictIsNamed) {
  GateRun run = conformance({"--client", "kills-harness", "--transport", "socketpair"},
                            {{"SSHTC_EXTRA_CLIENTS", "kills-harness=" SSHTC_SOURCE_DIR "/selftest/adapters/kills-harness.sh"}});
  expect_failed_naming(run, {"kills-harness over socketpair: NO-VERDICT, EchoRoundTrip: the case started but ended "
                             "before writing its verdict: it crashed or was killed (ctest: ***Exception: SegFault)"});
  EXPECT_EQ(leftovers(), std::vector<std::string>{});
}

// IP_TOS on an AF_INET6 socket: Linux accepts it, the BSDs refuse it. A warning, which the gate
// passes; --strict fails it.
TEST_F(Gate, APortabilityFindingWarnsAndStrictFailsIt) {
  fs::path adapter = write_file("tos-on-v6", "#!/bin/sh\nexec '" SSHTC_PLANTED_CALL "' set:IPPROTO_IP:IP_TOS '"
                                SSHTC_LIBSSH_ADAPTER "' \"$@\"\n", true);
  Environment env = {{"SSHTC_EXTRA_CLIENTS", "tos-on-v6=" + adapter.string()}};
  GateRun warned = conformance({"--client", "tos-on-v6", "--transport", "tcp6"}, env);
  if (warned.output.find("SKIP 1 ") != std::string::npos) GTEST_SKIP() << "no IPv6 here:\n" << warned.output;
  EXPECT_EQ(warned.status.code, 0) << warned.output;
  EXPECT_NE(warned.output.find("tos-on-v6 over tcp6: WARN, EchoRoundTrip: tos-on-v6 over tcp6 (sshd-i), exec `echo "),
            std::string::npos) << warned.output;
  EXPECT_NE(warned.output.find("IPPROTO_IP, IP_TOS) = 0 from sshtc-planted-call [ip-option-on-non-inet] (Linux "
                               "accepts it, but refused on openbsd, freebsd, macos: EINVAL)"),
            std::string::npos) << warned.output;
  GateRun strict = conformance({"--client", "tos-on-v6", "--transport", "tcp6", "--strict"}, env);
  expect_failed_naming(strict, {"tos-on-v6 over tcp6: FAIL, EchoRoundTrip:", "refused on openbsd"});
}

}  // namespace
}  // namespace sshtc
