// The harness against real sshd and misbehaving adapters: each failure is named, none hangs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "../audit/audit_record.hpp"
#include "../harness/audit_findings.hpp"
#include "../harness/server.hpp"
#include "../harness/session.hpp"
#include "../transports/transport.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

const std::string kAdapters = SSHTC_SELFTEST_DIR "/adapters/";

fs::path scratch_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("sshtc-selftest-" + std::to_string(::getpid())) / name;
  fs::create_directories(dir);
  return dir;
}

class Session : public testing::Test {
 protected:
  static void SetUpTestSuite() { run_ = new RunDirectory(RunDirectory::create(scratch_dir("run"))); }
  static void TearDownTestSuite() {
    RunDirectory::remove(run_->root.parent_path());
    delete run_;
  }
  SessionResult run(const Implementation& client, const std::string& transport, double timeout_s = 10) {
    SessionRequest request{"exec", "echo hi"};
    request.timeout = std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
    return run_session(*run_, client, *find_transport(transport), find_server(kReferenceServer), request,
                       run_->case_dir(testing::UnitTest::GetInstance()->current_test_info()->name()));
  }
  // The real sshd's once-per-run preparation, before a test points SSHTC_SSHD elsewhere.
  static void prepare_sshd() { ASSERT_EQ(preparation_failure(find_server(kReferenceServer), *run_), std::nullopt); }
  static RunDirectory* run_;
};
RunDirectory* Session::run_ = nullptr;

TEST_F(Session, RealSshdAndLibsshEchoOverSocketpair) {
  auto result = run({"libssh", {SSHTC_LIBSSH_ADAPTER}}, "socketpair");
  EXPECT_EQ(result.client.code, 0) << result.evidence();
  EXPECT_EQ(result.client_stdout, "hi\n");
}

// The session layer audits every server it starts, the daemon too: sshd -D's own calls (the
// listener's SO_REUSEADDR, the connection's options) are in the case's server records.
TEST_F(Session, TheDaemonIsAuditedLikeTheInetdServers) {
  SessionRequest request{"exec", "echo hi"};
  fs::path dir = run_->case_dir("daemon-audited");
  auto result = run_session(*run_, {"libssh", {SSHTC_LIBSSH_ADAPTER}}, *find_transport("tcp4"),
                            find_server("sshd-D"), request, dir);
  EXPECT_EQ(result.client.code, 0) << result.evidence();
  auto records = read_audit_dir(audit_dir(dir, "server"));
  bool from_sshd = std::any_of(records.begin(), records.end(), [](const AuditRecord& record) {
    return record.call == "setsockopt" && record.caller == "sshd";
  });
  EXPECT_TRUE(from_sshd) << records.size() << " server records, none a setsockopt by sshd";
}

TEST_F(Session, AdapterThatCannotDoTheTransportExits89) {
  auto result = run({"cannot", {kAdapters + "cannot.sh"}}, "pipe");
  EXPECT_EQ(result.client.code, kCannotDo);
  EXPECT_NE(result.client_stderr.find("does no transport"), std::string::npos);
}

TEST_F(Session, HungAdapterFailsItsCaseInSecondsNotTheRun) {
  auto start = Clock::now();
  auto result = run({"hangs", {kAdapters + "hangs.sh"}}, "tcp4", 0.5);
  EXPECT_TRUE(result.client.timed_out);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
}

TEST_F(Session, AdapterThatNeverDialsIsNamedByTheHarness) {
  auto result = run({"cannot", {kAdapters + "cannot.sh"}}, "tcp4", 0.5);
  EXPECT_NE(result.harness_error.find("the client never connected to 127.0.0.1"), std::string::npos)
      << result.harness_error;
}

TEST_F(Session, MissingAdapterIsAClearError) {
  try {
    run({"ghost", {"/nonexistent/adapter"}}, "socketpair");
    FAIL() << "a missing adapter ran";
  } catch (const SpawnError& error) {
    EXPECT_NE(std::string(error.what()).find("ghost adapter: cannot start /nonexistent/adapter"),
              std::string::npos) << error.what();
  }
}

TEST_F(Session, AdapterThatIsNotExecutableIsAClearError) {
  try {
    run({"stale", {kAdapters + "not-executable.sh"}}, "socketpair");
    FAIL() << "a non-executable adapter ran";
  } catch (const SpawnError& error) {
    EXPECT_NE(std::string(error.what()).find("stale adapter: cannot start"), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("Permission denied"), std::string::npos) << error.what();
  }
}

TEST_F(Session, AdapterThatPrintsGarbageIsSeenAsSuch) {
  auto result = run({"garbage", {kAdapters + "garbage.sh"}}, "socketpair");
  EXPECT_EQ(result.client.code, 0);
  EXPECT_NE(result.client_stdout, "hi\n") << "garbage passed for the echo";
  EXPECT_EQ(result.client_stdout.size(), 64u);
}

TEST_F(Session, CrashingSshdFailsTheSessionWithEvidence) {
  prepare_sshd();
  ::setenv("SSHTC_SSHD", (kAdapters + "crashes.sh").c_str(), 1);
  auto result = run({"libssh", {SSHTC_LIBSSH_ADAPTER}}, "socketpair");
  ::unsetenv("SSHTC_SSHD");
  EXPECT_EQ(result.client.code, kSessionFailed) << result.evidence();
  EXPECT_EQ(result.server.describe(), "killed by SIGSEGV");
}

TEST_F(Session, ClientThatMissesTheEndOfItsStreamIsKilledAfterTheEofGrace) {
  prepare_sshd();
  ::setenv("SSHTC_SSHD", (kAdapters + "crashes.sh").c_str(), 1);
  auto start = Clock::now();
  SessionRequest request{"exec", "echo hi"};
  request.eof_grace = std::chrono::milliseconds(300);
  auto result = run_session(*run_, {"hangs", {kAdapters + "hangs.sh"}}, *find_transport("socketpair"),
                            find_server(kReferenceServer), request, run_->case_dir("deaf"));
  ::unsetenv("SSHTC_SSHD");
  EXPECT_TRUE(result.client_hung());
  EXPECT_TRUE(result.client_outlived_server);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3)) << "the 20 s deadline, not the grace";
  EXPECT_EQ(result.hang_description(),
            "the server exited (killed by SIGSEGV) and the client was still running 0.3 s later "
            "(killed): it did not notice the end of its stream");
}

// A server that cannot prepare itself says why, and no session of it runs: sshd's adapter
// checks its config with sshd -t once per run.
TEST_F(Session, ServerThatCannotPrepareItselfIsNamedAndServesNothing) {
  fs::path broken = scratch_dir("broken") / "sshd_config.in";
  std::ofstream(broken) << "HostKey @HOST_KEY@\nNoSuchOption yes\n";
  Implementation server = find_server(kReferenceServer);
  server.name = "sshd-broken";
  server.command.back() = broken.string();
  auto failure = preparation_failure(server, *run_);
  ASSERT_TRUE(failure) << "sshd -t accepted a broken config";
  EXPECT_NE(failure->find("the server sshd-broken could not prepare itself: --version: exit 1: sshd -t rejected"),
            std::string::npos) << *failure;
  EXPECT_NE(failure->find(broken.string()), std::string::npos) << *failure;
  EXPECT_NE(failure->find("NoSuchOption"), std::string::npos) << *failure;
  std::string refused;
  try {
    run_session(*run_, {"libssh", {SSHTC_LIBSSH_ADAPTER}}, *find_transport("socketpair"), server,
                {"exec", "echo hi"}, run_->case_dir("broken-server"));
  } catch (const std::runtime_error& error) {
    refused = error.what();
  }
  EXPECT_EQ(refused, *failure) << "a session ran on a server that could not prepare itself";
}

TEST(RunDirectorySetup, KeysAndConfigArePrivate) {
  fs::path dir = scratch_dir("private");
  RunDirectory run = RunDirectory::create(dir / "run");
  EXPECT_EQ(fs::status(run.root).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(run.client_key).permissions() & (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);
  RunDirectory::remove(dir.parent_path());
}

}  // namespace
}  // namespace sshtc
