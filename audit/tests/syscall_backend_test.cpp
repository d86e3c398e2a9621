// The syscall backend beside the preload: the same calls give the same records and findings
// under either backend and under both, the client sees what it would see unaudited, and a call
// made without libc is seen by the syscall backend only, and marked so when both run.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "probe_run.hpp"
#include "rule_ids.hpp"
#include "test_descriptors.hpp"

namespace sshtc::audit_test {
namespace {

ProbeEnvironment under(const std::string& backend) {
  ProbeEnvironment environment;
  environment.backend = backend;
  return environment;
}

enum class Kind { unix_stream, pipe, tcp4, pty };

int descriptor_of(TestDescriptors& descriptors, Kind kind) {
  switch (kind) {
    case Kind::unix_stream: return descriptors.unix_stream();
    case Kind::pipe: return descriptors.pipe_write_end();
    case Kind::tcp4: return descriptors.tcp4();
    case Kind::pty: return descriptors.pty_master();
  }
  return -1;
}

struct Call {
  const char* operation;
  Kind kind;
  const char* syscall;  // the record's call at the syscall level
  const char* error;    // its errno name, "" for success
  RuleIds rules;
};

const Call calls[] = {
    {"tcp-nodelay", Kind::unix_stream, "setsockopt", "EOPNOTSUPP", {"tcp-option-on-non-tcp"}},
    {"get-tcp-nodelay", Kind::unix_stream, "getsockopt", "EOPNOTSUPP", {"tcp-option-on-non-tcp"}},
    {"tcp-nodelay", Kind::pipe, "setsockopt", "ENOTSOCK", {"tcp-option-on-non-tcp", "socket-call-on-non-socket"}},
    {"ip-tos", Kind::unix_stream, "setsockopt", "EOPNOTSUPP", {"ip-option-on-non-inet"}},
    {"keepalive", Kind::unix_stream, "setsockopt", "", {}},
    {"tcp-nodelay", Kind::tcp4, "setsockopt", "", {}},
    {"get-tcp-nodelay", Kind::tcp4, "getsockopt", "", {}},
    {"send", Kind::pipe, "sendto", "ENOTSOCK", {"socket-call-on-non-socket"}},
    {"recv", Kind::pipe, "recvfrom", "ENOTSOCK", {"socket-call-on-non-socket"}},
    {"recv-fortified", Kind::pipe, "recvfrom", "ENOTSOCK", {"socket-call-on-non-socket"}},
    {"getpeername", Kind::pipe, "getpeername", "ENOTSOCK", {"socket-call-on-non-socket"}},
    {"getpeername", Kind::tcp4, "getpeername", "", {}},
    {"shutdown", Kind::pty, "shutdown", "ENOTSOCK", {"socket-call-on-non-socket"}},
};

const char* const backends[] = {"preload", "syscall", "both"};

class EveryBackend : public ::testing::TestWithParam<std::tuple<Call, const char*>> {};

TEST_P(EveryBackend, RecordsTheCallOnceAndChangesNothingTheClientSees) {
  const auto& [call, backend] = GetParam();
  TestDescriptors descriptors;
  ProbeEnvironment unaudited;
  unaudited.audit = false;
  const ProbeRun bare(call.operation, descriptor_of(descriptors, call.kind), unaudited);
  const ProbeRun run(call.operation, descriptor_of(descriptors, call.kind), under(backend));
  EXPECT_EQ(run.exit_status(), 0) << run.errors();
  EXPECT_EQ(run.output(), bare.output());
  const std::vector<AuditRecord> records = run.records();
  ASSERT_EQ(records.size(), 1u) << run.errors();
  const AuditRecord& record = records.front();
  EXPECT_EQ(record.syscall_name(), call.syscall);
  EXPECT_EQ(record.error, call.error);
  EXPECT_TRUE(record.transport);
  EXPECT_FALSE(record.raw);
  // Both backends saw it; the preload's record, which names the code that called libc, stays.
  EXPECT_EQ(record.backend, std::string(backend) == "syscall" ? "syscall" : "preload");
  EXPECT_EQ(record.caller, std::string(backend) == "syscall" ? "libc.so.6" : kProbeName);
  EXPECT_EQ(rule_ids(records), call.rules);
}

std::string test_name(const ::testing::TestParamInfo<EveryBackend::ParamType>& info) {
  const auto& [call, backend] = info.param;
  static const std::map<Kind, std::string> kinds = {
      {Kind::unix_stream, "unix"}, {Kind::pipe, "pipe"}, {Kind::tcp4, "tcp4"}, {Kind::pty, "pty"}};
  std::string name = std::string(call.operation) + "_on_" + kinds.at(call.kind) + "_" + backend;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Calls, EveryBackend,
                         ::testing::Combine(::testing::ValuesIn(calls), ::testing::ValuesIn(backends)),
                         test_name);

// The negative control of the backend itself: the syscall instruction, no libc.
TEST(RawSyscall, ThePreloadAloneMissesIt) {
  TestDescriptors descriptors;
  const ProbeRun run("raw-tcp-nodelay", descriptors.unix_stream(), under("preload"));
  EXPECT_EQ(run.output(), "-1 95 Operation not supported\n");
  EXPECT_TRUE(run.records().empty());
}

TEST(RawSyscall, TheSyscallBackendCatchesItFromTheExecutable) {
  TestDescriptors descriptors;
  const ProbeRun run("raw-tcp-nodelay", descriptors.unix_stream(), under("syscall"));
  EXPECT_EQ(run.output(), "-1 95 Operation not supported\n");
  const std::vector<AuditRecord> records = run.records();
  ASSERT_EQ(records.size(), 1u) << run.errors();
  EXPECT_EQ(records[0].call, "setsockopt");
  EXPECT_EQ(records[0].caller, kProbeName);
  EXPECT_TRUE(records[0].raw) << "without the preload, its address tells: not in libc.so.6";
  EXPECT_EQ(rule_ids(records), RuleIds{"tcp-option-on-non-tcp"});
}

TEST(RawSyscall, BothBackendsMarkItMadeWithoutLibc) {
  TestDescriptors descriptors;
  const ProbeRun run("raw-tcp-nodelay", descriptors.unix_stream(), under("both"));
  const std::vector<AuditRecord> records = run.records();
  ASSERT_EQ(records.size(), 1u) << run.errors();
  EXPECT_TRUE(records[0].raw);
  const std::vector<Finding> findings = judge(records);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].describe(),
            "setsockopt(fd 3 [AF_UNIX/SOCK_STREAM, transport], IPPROTO_TCP, TCP_NODELAY) = -1 EOPNOTSUPP from "
            "audit_probe (raw syscall, not through libc) [tcp-option-on-non-tcp]");
}

TEST(RawSyscall, OnTcpItIsNoFinding) {
  TestDescriptors descriptors;
  const ProbeRun run("raw-tcp-nodelay", descriptors.tcp4(), under("both"));
  EXPECT_EQ(run.output(), "0 0 \n");
  const std::vector<AuditRecord> records = run.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].raw);
  EXPECT_TRUE(judge(records).empty());
}

TEST(SyscallBackend, HonoursTheErrnoProfile) {
  TestDescriptors descriptors;
  ProbeEnvironment environment = under("syscall");
  environment.errno_profile = "freebsd";
  const ProbeRun run("raw-tcp-nodelay", descriptors.unix_stream(), environment);
  EXPECT_EQ(run.output(), "-1 22 Invalid argument\n");
  const std::vector<AuditRecord> records = run.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].error, "EINVAL");
  EXPECT_TRUE(records[0].emulated);
}

TEST(SyscallBackend, FollowsThreadsAndForksAndKeepsTheTransportToItsProcess) {
  TestDescriptors descriptors;
  const ProbeRun run("threads-and-fork", descriptors.unix_stream(), under("syscall"));
  ASSERT_EQ(run.exit_status(), 0) << run.output() << run.errors();
  long long parent = 0, child = 0;
  ASSERT_EQ(std::sscanf(run.output().c_str(), "%lld %lld", &parent, &child), 2) << run.output();
  std::map<long long, int> per_process;
  for (const AuditRecord& record : run.records()) {
    ++per_process[record.pid];
    EXPECT_EQ(record.transport, record.pid == parent) << record.pid;
  }
  EXPECT_EQ(per_process[parent], 4 * 200);
  EXPECT_EQ(per_process[child], 20);
}

TEST(SyscallBackend, ProbeSaysTheKernelCanDoIt) {
  const std::string probe = std::string(SSHTC_SYSCALL_AUDIT) + " --probe";
  FILE* output = popen(probe.c_str(), "r");
  ASSERT_NE(output, nullptr);
  char line[512] = {};
  const bool read = std::fgets(line, sizeof line, output) != nullptr;
  const int status = pclose(output);
  if (status != 0) GTEST_SKIP() << "the kernel refuses the syscall backend here: " << line;
  EXPECT_TRUE(read);
  EXPECT_STREQ(line, "ok\n");
}

// cwrap's socket_wrapper, which libssh's own tests run under, emulates TCP over AF_UNIX sockets
// and answers the TCP options of its sockets itself. Side by side: what a client's TCP_NODELAY
// on its own TCP socket looks like to the client, to each backend and to the kernel, with and
// without it.
class SocketWrapper : public ::testing::Test {
 protected:
  static constexpr const char* kLibrary = "/usr/lib/x86_64-linux-gnu/libsocket_wrapper.so";

  void SetUp() override {
    if (access(kLibrary, R_OK) != 0) GTEST_SKIP() << kLibrary << " is not installed: apt-get install libsocket-wrapper";
    char pattern[] = "/tmp/sshtc-swrap-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    directory_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    if (!directory_.empty()) std::filesystem::remove_all(directory_, ignored);
  }
  ProbeEnvironment wrapped(bool replace) const {
    ProbeEnvironment environment = under("both");
    environment.user_preload = kLibrary;
    environment.replace_preload = replace;
    environment.variables = {"SOCKET_WRAPPER_DIR=" + directory_, "SOCKET_WRAPPER_DEFAULT_IFACE=10"};
    return environment;
  }

  std::string directory_;
};

TEST_F(SocketWrapper, HidesTheAfUnixSocketAndTheTcpOptionNeverReachesTheKernel) {
  TestDescriptors descriptors;
  // Without it: a real TCP socket, the option set by the kernel, seen by both backends.
  const ProbeRun bare("own-tcp-socket-nodelay", descriptors.unix_stream(), under("both"));
  EXPECT_EQ(bare.output(), "0 0 \nfamily 2, kernel 2\n");
  // (The probe's own SO_DOMAIN question is a record too.)
  std::vector<AuditRecord> seen;
  for (const AuditRecord& record : bare.records()) {
    if (record.option == "TCP_NODELAY") seen.push_back(record);
  }
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].family, "AF_INET");
  EXPECT_EQ(seen[0].option, "TCP_NODELAY");
  EXPECT_EQ(seen[0].ret, 0);

  // With it, the user's entry first, as they set it: the client is told AF_INET and success; the
  // kernel holds an AF_UNIX socket; neither backend sees a TCP_NODELAY, because none reached
  // the kernel. A suite built on socket_wrapper cannot see ronf/asyncssh#688's class of bug.
  const ProbeRun under_wrapper("own-tcp-socket-nodelay", descriptors.unix_stream(), wrapped(false));
  EXPECT_EQ(under_wrapper.output(), "0 0 \nfamily 2, kernel 1\n") << under_wrapper.errors();
  EXPECT_TRUE(under_wrapper.records().empty());

  // A wrapper script that sets its own LD_PRELOAD drops the preload audit; the syscall backend
  // still watches every call that reaches the kernel, and finds the same: nothing.
  const ProbeRun replaced("own-tcp-socket-nodelay", descriptors.unix_stream(), wrapped(true));
  EXPECT_EQ(replaced.output(), "0 0 \nfamily 2, kernel 1\n") << replaced.errors();
  EXPECT_TRUE(replaced.records().empty());
}

// TCP_NODELAY made with the syscall instruction, as Go makes it, goes past socket_wrapper to the
// kernel: only the syscall backend sees it, and on an AF_UNIX socket the kernel's answer is the
// original bug's.
TEST_F(SocketWrapper, ARawCallGoesPastItAndOnlyTheSyscallBackendSeesIt) {
  TestDescriptors descriptors;
  const ProbeRun run("raw-tcp-nodelay", descriptors.unix_stream(), wrapped(false));
  EXPECT_EQ(run.output(), "-1 95 Operation not supported\n") << run.errors();
  const std::vector<AuditRecord> records = run.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].raw);
  EXPECT_EQ(rule_ids(records), RuleIds{"tcp-option-on-non-tcp"});
}

}  // namespace
}  // namespace sshtc::audit_test
