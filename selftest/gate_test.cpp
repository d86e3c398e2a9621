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
  GateRun run = conformance({"--client", "libssh", "--transport", "socketpair"});
  ASSERT_EQ(run.status.code, 0) << run.output;
  fs::path reports = dir_ / "report";
  for (const char* report : {"matrix.txt", "matrix.json", "junit.xml"}) {
    EXPECT_NE(run.output.find("report: " + (reports / report).string()), std::string::npos) << run.output;
  }
  auto check = [&](const fs::path& dir) {
    return run_command("check_reports.py", {"/usr/bin/python3", SSHTC_SOURCE_DIR "/selftest/check_reports.py",
                                            SSHTC_SOURCE_DIR "/report/matrix.schema.json", dir.string()},
                       dir_ / "check", std::chrono::seconds(30));
  };
  auto checked = check(reports);
  EXPECT_EQ(checked.status.code, 0) << checked.output;
  EXPECT_NE(checked.output.find("reports agree: 4 cases, {'PASS': 4}; junit 4 cases, 0 failures, 0 skipped"),
            std::string::npos) << checked.output;

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
  EXPECT_NE(bad_junit.output.find("junit.xml: 3 cases"), std::string::npos) << bad_junit.output;
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
