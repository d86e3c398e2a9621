// The preload in a real process on real descriptors: what it records, and that the probe sees
// exactly what it would see without it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <sstream>
#include <system_error>

#include "probe_run.hpp"
#include "rule_ids.hpp"
#include "test_descriptors.hpp"

namespace sshtc::audit_test {
namespace {

AuditRecord only_record(const ProbeRun& run) {
  const std::vector<AuditRecord> records = run.records();
  if (records.size() != 1) {
    ADD_FAILURE() << "expected one record, got " << records.size();
    return {};
  }
  return records.front();
}

TEST(Preload, TcpNodelayOnSocketpairFailsWithEopnotsupp) {
  TestDescriptors descriptors;
  const ProbeRun run("tcp-nodelay", descriptors.unix_stream());
  EXPECT_EQ(run.output(), "-1 95 Operation not supported\n");

  const AuditRecord record = only_record(run);
  EXPECT_EQ(record.call, "setsockopt");
  EXPECT_EQ(record.fd, 3);
  EXPECT_EQ(record.kind, "socket");
  EXPECT_EQ(record.family, "AF_UNIX");
  EXPECT_EQ(record.type, "SOCK_STREAM");
  EXPECT_EQ(record.protocol, "0");
  EXPECT_TRUE(record.transport);
  EXPECT_EQ(record.level, "IPPROTO_TCP");
  EXPECT_EQ(record.option, "TCP_NODELAY");
  EXPECT_EQ(record.ret, -1);
  EXPECT_EQ(record.error, "EOPNOTSUPP");
  EXPECT_EQ(record.caller, kProbeName);
  EXPECT_FALSE(record.emulated);
  EXPECT_EQ(rule_ids({record}), RuleIds{"tcp-option-on-non-tcp"});
}

TEST(Preload, GetsockoptIsRecordedToo) {
  TestDescriptors descriptors;
  const ProbeRun run("get-tcp-nodelay", descriptors.unix_stream());
  const AuditRecord record = only_record(run);
  EXPECT_EQ(record.call, "getsockopt");
  EXPECT_EQ(record.error, "EOPNOTSUPP");
  EXPECT_EQ(rule_ids({record}), RuleIds{"tcp-option-on-non-tcp"});
}

TEST(Preload, SendOnPipeFailsWithEnotsock) {
  TestDescriptors descriptors;
  const ProbeRun run("send", descriptors.pipe_write_end());
  EXPECT_EQ(run.output(), "-1 88 Socket operation on non-socket\n");
  const AuditRecord record = only_record(run);
  EXPECT_EQ(record.call, "send");
  EXPECT_EQ(record.kind, "pipe");
  EXPECT_EQ(record.family, "");
  EXPECT_EQ(record.level, "");
  EXPECT_EQ(record.error, "ENOTSOCK");
  EXPECT_EQ(record.caller, kProbeName);
  EXPECT_EQ(rule_ids({record}), RuleIds{"socket-call-on-non-socket"});
}

TEST(Preload, RecvOnPipeIsRecordedPlainOrFortified) {
  for (const char* operation : {"recv", "recv-fortified"}) {
    TestDescriptors descriptors;
    const ProbeRun run(operation, descriptors.pipe_write_end());
    const AuditRecord record = only_record(run);
    EXPECT_EQ(record.call, "recv") << operation;
    EXPECT_EQ(record.error, "ENOTSOCK") << operation;
    EXPECT_EQ(record.caller, kProbeName) << operation;
  }
}

TEST(Preload, GetpeernameOnPipeFailsWithEnotsock) {
  TestDescriptors descriptors;
  const ProbeRun run("getpeername", descriptors.pipe_write_end());
  const AuditRecord record = only_record(run);
  EXPECT_EQ(record.call, "getpeername");
  EXPECT_EQ(record.error, "ENOTSOCK");
  EXPECT_EQ(rule_ids({record}), RuleIds{"socket-call-on-non-socket"});
}

TEST(Preload, ShutdownOnPtyMasterFailsWithEnotsock) {
  TestDescriptors descriptors;
  const ProbeRun run("shutdown", descriptors.pty_master());
  const AuditRecord record = only_record(run);
  EXPECT_EQ(record.kind, "tty");
  EXPECT_EQ(record.error, "ENOTSOCK");
  EXPECT_EQ(rule_ids({record}), RuleIds{"socket-call-on-non-socket"});
}

TEST(Preload, IpTosOnUnixSocketIsAnIpOptionOnNonInet) {
  TestDescriptors descriptors;
  const ProbeRun run("ip-tos", descriptors.unix_stream());
  const AuditRecord record = only_record(run);
  EXPECT_EQ(record.level, "IPPROTO_IP");
  EXPECT_EQ(record.option, "IP_TOS");
  EXPECT_EQ(record.error, "EOPNOTSUPP");
  EXPECT_EQ(rule_ids({record}), RuleIds{"ip-option-on-non-inet"});
}

TEST(Preload, Ipv6TclassOnTcp4FailsWithEnoprotoopt) {
  TestDescriptors descriptors;
  const ProbeRun run("ipv6-tclass", descriptors.tcp4());
  const AuditRecord record = only_record(run);
  EXPECT_EQ(record.family, "AF_INET");
  EXPECT_EQ(record.option, "IPV6_TCLASS");
  EXPECT_EQ(record.error, "ENOPROTOOPT");
  EXPECT_EQ(rule_ids({record}), RuleIds{"ip-option-on-non-inet"});
}

TEST(Preload, KeepaliveOnUnixSocketSucceedsWithoutFinding) {
  TestDescriptors descriptors;
  const ProbeRun run("keepalive", descriptors.unix_stream());
  EXPECT_EQ(run.output(), "0 0 \n");
  const AuditRecord record = only_record(run);
  EXPECT_EQ(record.level, "SOL_SOCKET");
  EXPECT_EQ(record.option, "SO_KEEPALIVE");
  EXPECT_EQ(record.ret, 0);
  EXPECT_EQ(record.error, "");
  EXPECT_EQ(rule_ids({record}), RuleIds{});
}

TEST(Preload, TcpNodelayOnTcp4IsNoFinding) {
  TestDescriptors descriptors;
  const ProbeRun run("tcp-nodelay", descriptors.tcp4());
  EXPECT_EQ(run.output(), "0 0 \n");
  const AuditRecord record = only_record(run);
  EXPECT_EQ(record.family, "AF_INET");
  EXPECT_EQ(record.protocol, "IPPROTO_TCP");
  EXPECT_EQ(rule_ids({record}), RuleIds{});
}

// The negative control of the rule's MPTCP row, through the real preload: the protocol of a
// Multipath TCP socket is recorded by name, so TCP_NODELAY there (set, or asked as OpenSSH's
// set_nodelay asks) is no finding, while the very same call on an AF_UNIX socket still is.
TEST(Preload, TcpNodelayOnMptcpIsNoFindingAndOnUnixStillIs) {
  TestDescriptors descriptors;
  int mptcp = -1;
  try {
    mptcp = descriptors.mptcp4();
  } catch (const std::system_error& error) {
    if (error.code().value() == EPROTONOSUPPORT || error.code().value() == ENOPROTOOPT) {
      GTEST_SKIP() << "no Multipath TCP here: " << error.what();
    }
    throw;
  }
  for (const char* operation : {"tcp-nodelay", "get-tcp-nodelay"}) {
    const ProbeRun on_mptcp(operation, mptcp);
    EXPECT_EQ(on_mptcp.output(), "0 0 \n") << operation;
    const AuditRecord record = only_record(on_mptcp);
    EXPECT_EQ(record.family, "AF_INET") << operation;
    EXPECT_EQ(record.type, "SOCK_STREAM") << operation;
    EXPECT_EQ(record.protocol, "IPPROTO_MPTCP") << operation;
    EXPECT_EQ(record.level, "IPPROTO_TCP") << operation;
    EXPECT_EQ(record.option, "TCP_NODELAY") << operation;
    EXPECT_EQ(rule_ids({record}), RuleIds{}) << operation;

    const ProbeRun on_unix(operation, descriptors.unix_stream());
    EXPECT_EQ(on_unix.output(), "-1 95 Operation not supported\n") << operation;
    EXPECT_EQ(rule_ids(on_unix.records()), RuleIds{"tcp-option-on-non-tcp"}) << operation;
  }
}

TEST(Preload, SuccessfulSendOnSocketIsNotRecorded) {
  TestDescriptors descriptors;
  const ProbeRun run("send", descriptors.unix_stream());
  EXPECT_EQ(run.output(), "1 0 \n");
  EXPECT_TRUE(run.records().empty());
}

TEST(Preload, TransportFlagFollowsTheEnvironment) {
  TestDescriptors descriptors;
  ProbeEnvironment environment;
  environment.transport_fds = "0,1";
  const ProbeRun run("tcp-nodelay", descriptors.unix_stream(), environment);
  const AuditRecord record = only_record(run);
  EXPECT_FALSE(record.transport);
  EXPECT_NE(judge({record}).front().describe().find("not transport"), std::string::npos);
}

TEST(Preload, WithoutAuditDirItOnlyForwards) {
  TestDescriptors descriptors;
  ProbeEnvironment environment;
  environment.audit = false;
  const ProbeRun run("tcp-nodelay", descriptors.unix_stream(), environment);
  EXPECT_EQ(run.output(), "-1 95 Operation not supported\n");
  EXPECT_TRUE(std::filesystem::is_empty(run.audit_dir()));
}

TEST(Preload, CallerErrnoSurvivesSuccessAndKernelErrnoSurvivesFailure) {
  TestDescriptors descriptors;
  const ProbeRun run("errno-preserved", descriptors.unix_stream());
  EXPECT_EQ(run.exit_status(), 0) << run.output();
}

TEST(Preload, ThreadsAndForkWriteWholeLinesToOneFilePerProcess) {
  TestDescriptors descriptors;
  const ProbeRun run("threads-and-fork", descriptors.unix_stream());
  ASSERT_EQ(run.exit_status(), 0) << run.output() << run.errors();
  long long parent = 0;
  long long child = 0;
  std::istringstream(run.output()) >> parent >> child;

  // read_audit_dir throws on any torn line.
  const std::vector<AuditRecord> records = run.records();
  const auto from = [&](long long pid, const char* option) {
    return std::count_if(records.begin(), records.end(), [&](const AuditRecord& record) {
      return record.pid == pid && record.option == option;
    });
  };
  EXPECT_EQ(from(parent, "SO_KEEPALIVE"), 4 * 200);
  EXPECT_EQ(from(child, "TCP_NODELAY"), 20);
  EXPECT_EQ(records.size(), 4u * 200 + 20);
  const auto file = [&](long long pid) {
    return run.audit_dir() / ("audit." + std::to_string(pid) + ".jsonl");
  };
  EXPECT_TRUE(std::filesystem::exists(file(parent)));
  EXPECT_TRUE(std::filesystem::exists(file(child)));
}

}  // namespace
}  // namespace sshtc::audit_test
