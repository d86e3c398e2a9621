// The project's data: client registrations, expectations, result records and the matrix.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "../harness/client.hpp"
#include "../harness/expectations.hpp"
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

TEST(ExtraClients, NameEqualsAbsolutePathSeparatedBySemicolons) {
  auto clients = parse_extra_clients("mine=/opt/a;theirs=/opt/b");
  ASSERT_EQ(clients.size(), 2u);
  EXPECT_EQ(clients[1].name, "theirs");
  EXPECT_EQ(clients[1].command.front(), "/opt/b");
}

TEST(ExtraClients, MistakesAreNamed) {
  EXPECT_NE(error_of([] { parse_extra_clients("mine"); }).find("'mine' is not name=/abs/path"), std::string::npos);
  EXPECT_NE(error_of([] { parse_extra_clients("mine=relative/a"); }).find("must be an absolute path"), std::string::npos);
  EXPECT_NE(error_of([] { parse_extra_clients("a/b=/x"); }).find("client name 'a/b'"), std::string::npos);
}

TEST(Expectations, VersionRanges) {
  EXPECT_TRUE(version_in_range("asyncssh 2.10.1", ">=1.5.1 <2.18.0"));
  EXPECT_TRUE(version_in_range("asyncssh 2.10.1+fix-dcd1c61", ">=1.5.1 <2.18.0"));
  EXPECT_FALSE(version_in_range("asyncssh 2.18.0", ">=1.5.1 <2.18.0"));
  EXPECT_FALSE(version_in_range("unknown (--version: exit 1)", ">=1.0"));
  EXPECT_TRUE(version_in_range("unknown", "*"));
}

TEST(Expectations, TheProjectFileLoadsAndMalformedLinesAreNamed) {
  EXPECT_FALSE(default_expectations().empty());
  fs::path file = fs::temp_directory_path() / ("sshtc-expect-" + std::to_string(::getpid()));
  std::ofstream(file) << "# comment\nasyncssh | * | unix | client | tcp-option-on-non-tcp\n";
  EXPECT_NE(error_of([&] { load_expectations(file); }).find(file.string() + ":2: expected 7 fields"),
            std::string::npos);
  std::ofstream(file) << "asyncssh | * | unix | client | tcp-nodelay | ref | why\n";
  EXPECT_NE(error_of([&] { load_expectations(file); }).find(file.string() + ":1: unknown rule 'tcp-nodelay'"),
            std::string::npos);
  fs::remove(file);
}

CaseRecord record(const std::string& client, const std::string& transport, const std::string& verdict) {
  return {client, client + " 1.0", transport, "exec", "EchoRoundTrip", verdict, "why " + verdict, 0.1,
          "getpeername(fd 0 [pipe]) = -1 ENOTSOCK; shutdown(fd 1 [pipe]) = -1 ENOTSOCK"};
}

TEST(Matrix, WorstVerdictWinsAndStaleExpectationsFailTheGate) {
  EXPECT_EQ(combine_verdicts("PASS", "FAIL"), "FAIL");
  EXPECT_EQ(combine_verdicts("XFAIL", "PASS"), "XFAIL");
  EXPECT_EQ(combine_verdicts("SKIP", "PASS"), "PASS");
  auto good = render_matrix({record("a", "tcp4", "PASS"), record("a", "unix", "XFAIL"),
                             record("b", "tcp4", "SKIP")});
  EXPECT_TRUE(good.gate_passed);
  EXPECT_NE(good.text.find("a over unix: XFAIL, EchoRoundTrip: why XFAIL"), std::string::npos) << good.text;
  EXPECT_NE(good.text.find("shutdown(fd 1 [pipe]) = -1 ENOTSOCK\n      in tcp4, unix"), std::string::npos)
      << good.text;
  EXPECT_FALSE(render_matrix({record("a", "unix", "XPASS")}).gate_passed);
  EXPECT_FALSE(render_matrix({record("a", "unix", "FAIL")}).gate_passed);
}

TEST(Matrix, RecordsSurviveTabsAndNewlinesInReasons) {
  fs::path dir = fs::temp_directory_path() / ("sshtc-records-" + std::to_string(::getpid()));
  CaseRecord written = record("a", "tcp4", "FAIL");
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

}  // namespace
}  // namespace sshtc
