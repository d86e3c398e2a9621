// The project's data: the implementations' registrations, expectations, result records and the matrix.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "../harness/implementation.hpp"
#include "../harness/expectations.hpp"
#include "../harness/judge.hpp"
#include "../report/baseline.hpp"
#include "../report/junit_report.hpp"
#include "../report/shards.hpp"
#include "../report/matrix_text.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "";
}

TEST(ExtraImplementations, NameEqualsAbsolutePathSeparatedBySemicolons) {
  auto clients = parse_extra("SSHTC_EXTRA_CLIENTS", "mine=/opt/a;theirs=/opt/b", "client", {});
  ASSERT_EQ(clients.size(), 2u);
  EXPECT_EQ(clients[1].name, "theirs");
  EXPECT_EQ(clients[1].command.front(), "/opt/b");
  EXPECT_EQ(clients[1].mode, "");
  auto servers = parse_extra("SSHTC_EXTRA_SERVERS", "mine=/opt/a", "server", {"sshd-i"});
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_TRUE(servers[0].is_server());
  EXPECT_EQ(servers[0].mode, "inetd");
}

TEST(ExtraImplementations, MistakesAreNamed) {
  auto error = [](const std::string& spec, std::vector<std::string> taken = {}) {
    return error_of([&] { parse_extra("SSHTC_EXTRA_SERVERS", spec, "server", taken); });
  };
  EXPECT_EQ(error("mine"), "SSHTC_EXTRA_SERVERS: 'mine' is not name=/abs/path");
  EXPECT_EQ(error("mine=rel/a"), "SSHTC_EXTRA_SERVERS: the adapter of 'mine' must be an absolute path, not 'rel/a'");
  EXPECT_EQ(error("a@b=/x"), "SSHTC_EXTRA_SERVERS: name 'a@b' must be non-empty, without '/', '@', ';', '=' or blanks");
  EXPECT_EQ(error("sshd-D=/x", {"sshd-i", "sshd-D"}), "SSHTC_EXTRA_SERVERS: 'sshd-D' is taken already");
  EXPECT_EQ(error("twice=/x;twice=/y"), "SSHTC_EXTRA_SERVERS: 'twice' is taken already");
}

// The build's registry: every implementation with its role, the servers with their mode.
TEST(Registry, ClientsAndServersAreDeclaredOnceWithTheirRoles) {
  EXPECT_EQ(find_server("sshd-i").mode, "inetd");
  EXPECT_EQ(find_server("sshd-D").mode, "daemon");
  EXPECT_EQ(find_server("dropbear-i").mode, "inetd");
  EXPECT_EQ(servers().front().name, kReferenceServer) << "the reference server is the first registered";
  EXPECT_EQ(find_client("planted-nodelay").role, "control");
  EXPECT_EQ(find_client("libssh").role, "client");
  EXPECT_EQ(error_of([] { find_server("libssh"); }).rfind("no server named 'libssh' (servers: sshd-i, sshd-D, dropbear-i", 0), 0u);
}

TEST(Expectations, VersionRanges) {
  EXPECT_TRUE(version_in_range("asyncssh 2.10.1", ">=1.5.1 <2.18.0"));
  EXPECT_TRUE(version_in_range("asyncssh 2.10.1+fix-dcd1c61", ">=1.5.1 <2.18.0"));
  EXPECT_FALSE(version_in_range("asyncssh 2.18.0", ">=1.5.1 <2.18.0"));
  EXPECT_FALSE(version_in_range("unknown (--version: exit 1)", ">=1.0"));
  EXPECT_TRUE(version_in_range("unknown", "*"));
}

const MatrixNames kNames = {{"asyncssh", "libssh"},
                            {"sshd-i", "dropbear-i", "sshd-D"},
                            {{"unix", "sshd-i"}, {"pipe", "sshd-i"}, {"unix", "dropbear-i"},
                             {"pipe", "dropbear-i"}, {"tcp4", "sshd-D"}},
                            {"exec"},
                            {"exec/EchoRoundTrip"}};

// The error that loading `text` as an expectations file gives, or "" when it loads.
std::string load_error(const std::string& text) {
  fs::path file = fs::temp_directory_path() / ("sshtc-expect-" + std::to_string(::getpid()));
  std::ofstream(file) << text;
  std::string error = error_of([&] { load_expectations(file, kNames); });
  fs::remove(file);
  return error.empty() ? "" : error.substr(error.find(':') + 1);  // without the file's name
}

TEST(Expectations, MalformedLinesAreNamedWithTheirLine) {
  EXPECT_EQ(load_error("# comment\nasyncssh | * | unix | * | client | tcp-option-on-non-tcp\n"),
            "2: expected 8 fields separated by ' | ' (client, versions, transports, scenarios, side, rule, "
            "reference, reason), found 6");
  EXPECT_EQ(load_error("asyncssh | * | unix | * | client | tcp-nodelay | ref | why\n"),
            "1: unknown rule 'tcp-nodelay' (an audit rule id, nonblock-left-on-shared-stdio, session-fails, session-hangs or session-may-hang)");
}

// A misspelt name would match nothing and expect nothing: it is an error, with file and line.
TEST(Expectations, EveryNameMustExistAndGlobsMustMatchSomething) {
  EXPECT_EQ(load_error("libshh | * | unix | * | client | session-fails | ref | why\n"),
            "1: no client is named 'libshh' (clients: asyncssh, libssh)");
  EXPECT_EQ(load_error("\ndropbear | * | pipe | * | server | session-fails | ref | why\n"),
            "2: no server is named 'dropbear' (servers: sshd-i, dropbear-i, sshd-D)");
  EXPECT_EQ(load_error("libssh | * | unix,sockpair | * | client | session-fails | ref | why\n"),
            "1: 'sockpair' names no column of the matrix (transports: unix, pipe, tcp4; servers: "
            "sshd-i, dropbear-i, sshd-D; a column is transport@server)");
  EXPECT_NE(load_error("libssh | * | unix@sshd-D | * | client | session-fails | ref | why\n").find(
                "1: 'unix@sshd-D' names no column"), std::string::npos);
  EXPECT_NE(load_error("libssh | * | *@dropbear | * | client | session-fails | ref | why\n").find(
                "1: '*@dropbear' names no column"), std::string::npos);
  EXPECT_EQ(load_error("libssh | * | unix | sftp | client | session-fails | r | w\n"),
            "1: no scenario is named 'sftp' (scenarios: exec)");
  EXPECT_EQ(load_error("libssh | * | unix | exec/EchoRoundTrip | client | session-hangs | r | w\n"), "");
  EXPECT_EQ(load_error("libssh | * | unix | exec/EchoRoundtrip | client | session-may-hang | r | w\n"),
            "1: no case is named 'exec/EchoRoundtrip' (cases: exec/EchoRoundTrip)");
  EXPECT_EQ(load_error("libssh | * | *@dropbear-i,unix@sshd-i,tcp4@sshd-D | exec,e* | client | session-fails | r | w\n"
                       "* | * | * | * | client | session-fails | r | w\n"
                       "sshd-? | * | pipe | * | server | session-fails | r | w\n"),
            "");
}

TEST(Expectations, GlobsAndBareTransportsCoverTheirColumns) {
  Expectation e{"asyncssh*", "*", {"unix", "*@dropbear-i"}, "client", "session-fails", "r", "w", "f:1", {"exec"}};
  EXPECT_TRUE(e.covers("asyncssh+fix", "2.10.1", "unix", "sshd-i", "exec"));
  EXPECT_TRUE(e.covers("asyncssh", "2.10.1", "unix", "sshd-D", "exec")) << "a bare transport: every server";
  EXPECT_TRUE(e.covers("asyncssh", "2.10.1", "pipe", "dropbear-i", "exec"));
  EXPECT_FALSE(e.covers("asyncssh", "2.10.1", "pipe", "sshd-i", "exec"));
  EXPECT_FALSE(e.covers("libssh", "0.10.6", "unix", "sshd-i", "exec"));
  EXPECT_FALSE(e.covers("asyncssh", "2.10.1", "unix", "sshd-i", "sftp")) << "another scenario";
}

CaseRecord record(const std::string& client, const std::string& transport, Verdict verdict) {
  return {client, client + " 1.0", transport, "exec", "EchoRoundTrip", verdict, "why " + to_string(verdict), 0.1,
          "getpeername(fd 0 [pipe]) = -1 ENOTSOCK; shutdown(fd 1 [pipe]) = -1 ENOTSOCK"};
}

TEST(Matrix, WorstVerdictWinsAndStaleExpectationsFailTheGate) {
  EXPECT_EQ(worse(Verdict::Pass, Verdict::Fail), Verdict::Fail);
  EXPECT_EQ(worse(Verdict::XFail, Verdict::Pass), Verdict::XFail);
  EXPECT_EQ(worse(Verdict::Skip, Verdict::Pass), Verdict::Pass);
  EXPECT_EQ(worse(Verdict::XFail, Verdict::Warn), Verdict::Warn);
  EXPECT_EQ(worse(Verdict::Fail, Verdict::NoVerdict), Verdict::NoVerdict);
  auto good = render_matrix({record("a", "tcp4", Verdict::Pass), record("a", "unix", Verdict::XFail),
                             record("b", "tcp4", Verdict::Skip), record("b", "unix", Verdict::Warn)});
  EXPECT_TRUE(good.gate_passed);
  EXPECT_NE(good.text.find("a over unix: XFAIL, EchoRoundTrip: why XFAIL"), std::string::npos) << good.text;
  EXPECT_NE(good.text.find("shutdown(fd 1 [pipe]) = -1 ENOTSOCK\n      in tcp4, unix"), std::string::npos)
      << good.text;
  EXPECT_FALSE(render_matrix({record("a", "unix", Verdict::XPass)}).gate_passed);
  EXPECT_FALSE(render_matrix({record("a", "unix", Verdict::Fail)}).gate_passed);
  EXPECT_FALSE(render_matrix({record("a", "unix", Verdict::NoVerdict)}).gate_passed);
  EXPECT_EQ(good.verdict_counts, "1 SKIP, 1 PASS, 1 XFAIL, 1 WARN");
}

TEST(Matrix, TheControlsHaveTablesOfTheirOwnAndServersTheirVersions) {
  CaseRecord control = record("planted", "unix", Verdict::XFail);
  control.role = "control";
  auto matrix = render_matrix({record("a", "unix", Verdict::Pass), control}, {{"sshd-i", "OpenSSH_9.2"}});
  auto clients = matrix.text.find("server sshd-i (OpenSSH_9.2)\nclient ");
  auto controls = matrix.text.find("controls, server sshd-i (OpenSSH_9.2)\ncontrol ");
  ASSERT_NE(clients, std::string::npos) << matrix.text;
  ASSERT_NE(controls, std::string::npos) << matrix.text;
  EXPECT_GT(matrix.text.find("planted"), controls) << "the control is among the clients:\n" << matrix.text;
}

TEST(Matrix, ANonCompliantClientIsOneRowLevelError) {
  CaseRecord probe_failed = record("bad", "tcp4", Verdict::Fail);
  probe_failed.reason = kNotCompliant + "it answered exit 0";
  CaseRecord also = probe_failed;
  also.transport = "unix@dropbear-i";
  auto matrix = render_matrix({probe_failed, also, record("good", "tcp4", Verdict::Pass)});
  EXPECT_FALSE(matrix.gate_passed);
  EXPECT_NE(matrix.text.find("   1  bad: FAIL in every cell, not a compliant adapter: it answered exit 0\n"),
            std::string::npos) << matrix.text;
  EXPECT_EQ(matrix.text.find("   2  "), std::string::npos) << "one note for the row, not one per cell:\n"
                                                            << matrix.text;
}

TEST(Matrix, ANonCompliantServerIsOneTableLevelError) {
  CaseRecord probe_failed = record("a", "tcp4@mine", Verdict::Fail);
  probe_failed.reason = kNotCompliant + "the server mine: it answered exit 0";
  CaseRecord also = probe_failed;
  also.client = "b";
  auto matrix = render_matrix({probe_failed, also, record("a", "tcp4", Verdict::Pass), record("b", "tcp4", Verdict::Pass)});
  EXPECT_FALSE(matrix.gate_passed);
  EXPECT_NE(matrix.text.find("   1  server mine: FAIL in every cell, not a compliant adapter: the server mine: it "
                             "answered exit 0\n"), std::string::npos) << matrix.text;
  EXPECT_EQ(matrix.text.find("   2  "), std::string::npos) << "one note for the table, not one per cell:\n"
                                                            << matrix.text;
}

// Each verdict in JUnit's terms: the gate's failures are failures, SKIP is skipped, XFAIL passes
// with its verdict and reference as properties; text is escaped.
TEST(Junit, EveryVerdictInJunitsTerms) {
  CaseRecord known = record("a", "unix", Verdict::XFail);
  known.reason = "tcp-option-on-non-tcp [ronf/asyncssh#688]: setsockopt(…) <&>";
  CaseRecord stale = record("a", "pipe@dropbear-i", Verdict::XPass);
  stale.reason = "expected \"x\"\nsecond line";
  std::string xml = junit_xml({record("a", "tcp4", Verdict::Pass), known, record("a", "tcp6", Verdict::Skip),
                               stale});
  EXPECT_NE(xml.find("<testsuites name=\"ssh-transport-conformance\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"server sshd-i\" tests=\"3\" failures=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"server dropbear-i\" tests=\"1\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"verdict\" value=\"XFAIL\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"reference\" value=\"ronf/asyncssh#688\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<system-out>tcp-option-on-non-tcp [ronf/asyncssh#688]: setsockopt(…) &lt;&amp;&gt;</system-out>"),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure type=\"XPASS\" message=\"XPASS: expected &quot;x&quot;\">expected &quot;x&quot;\nsecond line"),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase name=\"exec/a/tcp6/EchoRoundTrip\" classname=\"sshd-i.a\""), std::string::npos) << xml;
}

Shard shard_of(const std::string& source, std::vector<CaseRecord> records,
               std::vector<std::vector<std::string>> implementations = {}) {
  Shard shard;
  shard.source = source;
  shard.run.records = std::move(records);
  shard.facts.implementations = std::move(implementations);
  return shard;
}

// What changed since a baseline, a row per kind of change.
TEST(Baseline, WorseBetterNewGoneFindingsAndVersions) {
  EXPECT_TRUE(diff_against(shard_of("old", {record("a", "tcp4", Verdict::Fail)}),
                           shard_of("new", {record("a", "tcp4", Verdict::Fail)})).unchanged())
      << "a known failure is no change";
  auto worse = diff_against(shard_of("old", {record("a", "tcp4", Verdict::Pass), record("a", "unix", Verdict::Fail)}),
                            shard_of("new", {record("a", "tcp4", Verdict::XFail), record("a", "unix", Verdict::Pass)}));
  EXPECT_EQ(worse.regressions, 1);
  EXPECT_EQ(worse.worse, std::vector<std::string>{"a over tcp4: PASS → XFAIL, EchoRoundTrip: why XFAIL"});
  EXPECT_EQ(worse.better, std::vector<std::string>{"a over unix: FAIL → PASS"});
  auto skipped = diff_against(shard_of("old", {record("a", "tcp6", Verdict::Pass)}),
                              shard_of("new", {record("a", "tcp6", Verdict::Skip)}));
  EXPECT_EQ(skipped.regressions, 0) << "a SKIP is a change, not a regression";
  EXPECT_EQ(skipped.other, std::vector<std::string>{"a over tcp6: PASS → SKIP, EchoRoundTrip: why SKIP"});
  auto appeared = diff_against(shard_of("old", {record("a", "pipe", Verdict::Pass)}, {{"client", "a", "-", "a 1.0"}}),
                               shard_of("new", {record("a", "pipe", Verdict::Pass), record("b", "pipe", Verdict::Fail)},
                                        {{"client", "a", "-", "a 1.1"}}));
  EXPECT_EQ(appeared.regressions, 1) << "a new failing cell is a regression";
  EXPECT_EQ(appeared.worse, std::vector<std::string>{"b over pipe: new and FAIL, EchoRoundTrip: why FAIL"});
  EXPECT_NE(std::find(appeared.other.begin(), appeared.other.end(), "client a: version a 1.0 → a 1.1"),
            appeared.other.end());
  CaseRecord found = record("a", "unix", Verdict::XFail);
  found.findings = {{{"client", "tcp-option-on-non-tcp", "setsockopt(TCP_NODELAY)", false, {}}, "ref"}};
  auto vanished = diff_against(shard_of("old", {found, record("a", "gone", Verdict::Pass)}),
                               shard_of("new", {record("a", "unix", Verdict::XFail)}));
  EXPECT_EQ(vanished.other, (std::vector<std::string>{"a over unix: finding vanished: client: setsockopt(TCP_NODELAY)",
                                                      "a over gone: gone (was PASS)"}));
  EXPECT_EQ(diff_against(shard_of("old", {}), shard_of("new", {})).text("old.json"), "no change since old.json\n");
}

// Shards of one run are one matrix; a case they disagree on is an error naming both.
TEST(Shards, MergeIntoOneRunAndDisagreementsAreNamed) {
  auto merged = merge_shards({shard_of("A", {record("a", "tcp4", Verdict::Pass)}, {{"server", "sshd-i", "inetd", "v1"}}),
                              shard_of("B", {record("a", "tcp4@sshd-D", Verdict::Pass), record("a", "tcp4", Verdict::Pass)},
                                       {{"server", "sshd-i", "inetd", "v1"}, {"server", "sshd-D", "daemon", "v1"}})});
  EXPECT_EQ(merged.run.records.size(), 2u) << "a case in two shards counts once";
  EXPECT_EQ(merged.facts.implementations.size(), 2u);
  EXPECT_EQ(merged.source, "A + B");
  EXPECT_EQ(error_of([] {
              merge_shards({shard_of("A", {record("a", "tcp4", Verdict::Pass)}),
                            shard_of("B", {record("a", "tcp4", Verdict::Fail)})});
            }),
            "the case exec/a/tcp4/EchoRoundTrip is PASS in A but FAIL in B: shards of one run must agree");
  EXPECT_NE(error_of([] { load_shard("/nonexistent/matrix.json"); }).find("/nonexistent/matrix.json: cannot be read"),
            std::string::npos);
}

TEST(Matrix, RecordsSurviveTabsAndNewlinesInReasons) {
  fs::path dir = fs::temp_directory_path() / ("sshtc-records-" + std::to_string(::getpid()));
  CaseRecord written = record("a", "tcp4", Verdict::Fail);
  written.reason = "line one\twith tab\nline two \\ backslash";
  write_record(dir, written);
  auto read = read_records(dir);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].reason, written.reason);
  written.server_findings = "";
  write_record(dir, written);
  EXPECT_EQ(read_records(dir).at(0).server_findings, "");
  fs::remove_all(dir);
}

// A record keeps its findings field by field, with the expectation that covered each, and the
// ends of its logs; an adapter's garbage (invalid UTF-8) does not cost the record.
TEST(Matrix, RecordsKeepTheirFindingsAndLogsAndSurviveGarbage) {
  CaseRecord written = record("a", "unix@dropbear-i", Verdict::XFail);
  Observation seen{"client", "tcp-option-on-non-tcp", "setsockopt(…) = -1 EOPNOTSUPP", false, {}};
  seen.call.call = "setsockopt";
  seen.call.fd = 5;
  seen.call.kind = "socket";
  seen.call.family = "AF_UNIX";
  seen.call.type = "SOCK_STREAM";
  seen.call.protocol = "0";
  seen.call.transport = true;
  seen.call.level = "IPPROTO_TCP";
  seen.call.option = "TCP_NODELAY";
  seen.call.ret = -1;
  seen.call.error = "EOPNOTSUPP";
  seen.call.caller = "libssh.so.4";
  written.findings = {{seen, "ronf/asyncssh#688"}};
  written.adapter_stderr = "bad \xff\xfe bytes\n";
  written.case_dir = "/tmp/x";
  auto read = parse_record(record_json(written));
  ASSERT_EQ(read.findings.size(), 1u);
  EXPECT_EQ(read.findings[0].expectation, "ronf/asyncssh#688");
  EXPECT_EQ(read.findings[0].observation.call.option, "TCP_NODELAY");
  EXPECT_EQ(read.findings[0].observation.call.error, "EOPNOTSUPP");
  EXPECT_TRUE(read.findings[0].observation.call.transport);
  EXPECT_EQ(read.server(), "dropbear-i");
  EXPECT_EQ(read.transport_name(), "unix");
  EXPECT_EQ(read.adapter_stderr, "bad \xef\xbf\xbd\xef\xbf\xbd bytes\n") << "U+FFFD for each bad byte";
  EXPECT_NE(record_json(written).find("\"descriptor\":\"AF_UNIX/SOCK_STREAM\""), std::string::npos);

  fs::path dir = fs::temp_directory_path() / ("sshtc-damaged-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "broken.json") << "{\"client\": \"a\"}";
  EXPECT_NE(error_of([&] { read_records(dir); }).find("broken.json: not a case record"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sshtc
