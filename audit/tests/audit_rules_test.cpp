// The rules on records of every descriptor kind, and the one-line description a failed case
// shows.
#include <gtest/gtest.h>

#include "audit_rules.hpp"
#include "rule_ids.hpp"

namespace sshtc::audit_test {
namespace {

AuditRecord socket_option(const char* family, const char* type, const char* protocol,
                          const char* level, const char* option) {
  AuditRecord record;
  record.pid = 100;
  record.fd = 3;
  record.kind = "socket";
  record.family = family;
  record.type = type;
  record.protocol = protocol;
  record.transport = true;
  record.call = "setsockopt";
  record.level = level;
  record.option = option;
  record.caller = "libpython3.11.so.1.0";
  return record;
}

AuditRecord on_pipe(AuditRecord record) {
  record.kind = "pipe";
  record.family = record.type = record.protocol = "";
  return record;
}

const AuditRecord tcp4 = socket_option("AF_INET", "SOCK_STREAM", "IPPROTO_TCP", "", "");
const AuditRecord tcp6 = socket_option("AF_INET6", "SOCK_STREAM", "IPPROTO_TCP", "", "");
const AuditRecord udp4 = socket_option("AF_INET", "SOCK_DGRAM", "IPPROTO_UDP", "", "");
const AuditRecord unix_stream = socket_option("AF_UNIX", "SOCK_STREAM", "0", "", "");
const AuditRecord mptcp4 = socket_option("AF_INET", "SOCK_STREAM", "IPPROTO_MPTCP", "", "");
const AuditRecord mptcp6 = socket_option("AF_INET6", "SOCK_STREAM", "IPPROTO_MPTCP", "", "");

AuditRecord with_option(AuditRecord record, const char* level, const char* option) {
  record.level = level;
  record.option = option;
  return record;
}

TEST(AuditRules, TcpOptionsBelongOnInetTcpSockets) {
  EXPECT_EQ(rule_ids({with_option(tcp4, "IPPROTO_TCP", "TCP_NODELAY")}), RuleIds{});
  EXPECT_EQ(rule_ids({with_option(tcp6, "IPPROTO_TCP", "TCP_NODELAY")}), RuleIds{});
  EXPECT_EQ(rule_ids({with_option(udp4, "IPPROTO_TCP", "TCP_NODELAY")}),
            RuleIds{kTcpOptionOnNonTcp});
  EXPECT_EQ(rule_ids({with_option(unix_stream, "IPPROTO_TCP", "TCP_NODELAY")}),
            RuleIds{kTcpOptionOnNonTcp});
}

// Multipath TCP takes the TCP options (Go >= 1.21 opens such sockets). The rule knows it by the
// name the preload records; a protocol it records as a bare number is none it knows.
TEST(AuditRules, TcpOptionsBelongOnMultipathTcpSocketsToo) {
  EXPECT_EQ(rule_ids({with_option(mptcp4, "IPPROTO_TCP", "TCP_NODELAY")}), RuleIds{});
  EXPECT_EQ(rule_ids({with_option(mptcp6, "IPPROTO_TCP", "TCP_KEEPIDLE")}), RuleIds{});
  AuditRecord unnamed = with_option(mptcp4, "IPPROTO_TCP", "TCP_NODELAY");
  unnamed.protocol = "262";
  EXPECT_EQ(rule_ids({unnamed}), RuleIds{kTcpOptionOnNonTcp});
  // Still held to its own family at the IP levels: MPTCP over IPv4 is an AF_INET socket.
  EXPECT_EQ(rule_ids({with_option(mptcp4, "IPPROTO_IP", "IP_TOS")}), RuleIds{});
  EXPECT_EQ(rule_ids({with_option(mptcp4, "IPPROTO_IPV6", "IPV6_TCLASS")}), RuleIds{kIpOptionOnNonInet});
}

TEST(AuditRules, IpOptionsBelongOnTheirOwnFamily) {
  EXPECT_EQ(rule_ids({with_option(tcp4, "IPPROTO_IP", "IP_TOS")}), RuleIds{});
  EXPECT_EQ(rule_ids({with_option(tcp6, "IPPROTO_IPV6", "IPV6_TCLASS")}), RuleIds{});
  EXPECT_EQ(rule_ids({with_option(tcp6, "IPPROTO_IP", "IP_TOS")}), RuleIds{kIpOptionOnNonInet});
  EXPECT_EQ(rule_ids({with_option(tcp4, "IPPROTO_IPV6", "IPV6_TCLASS")}),
            RuleIds{kIpOptionOnNonInet});
  EXPECT_EQ(rule_ids({with_option(unix_stream, "IPPROTO_IP", "IP_TOS")}),
            RuleIds{kIpOptionOnNonInet});
}

TEST(AuditRules, SocketLevelOptionsAreFineOnAnySocket) {
  EXPECT_EQ(rule_ids({with_option(unix_stream, "SOL_SOCKET", "SO_KEEPALIVE")}), RuleIds{});
}

TEST(AuditRules, AnySocketCallOnANonSocketIsAFinding) {
  EXPECT_EQ(rule_ids({on_pipe(with_option(unix_stream, "SOL_SOCKET", "SO_KEEPALIVE"))}),
            RuleIds{kSocketCallOnNonSocket});
  AuditRecord send_on_tty = on_pipe(unix_stream);
  send_on_tty.kind = "tty";
  send_on_tty.call = "send";
  EXPECT_EQ(rule_ids({send_on_tty}), RuleIds{kSocketCallOnNonSocket});
}

TEST(AuditRules, ACallOnAClosedDescriptorIsNoTransportFinding) {
  AuditRecord recv_after_close = on_pipe(unix_stream);
  recv_after_close.kind = "badf";
  recv_after_close.fd = -1;
  recv_after_close.call = "recv";
  EXPECT_EQ(rule_ids({recv_after_close}), RuleIds{});
}

TEST(AuditRules, OneCallCanBreakSeveralRules) {
  EXPECT_EQ(rule_ids({on_pipe(with_option(unix_stream, "IPPROTO_TCP", "TCP_NODELAY"))}),
            (RuleIds{kTcpOptionOnNonTcp, kSocketCallOnNonSocket}));
}

TEST(AuditRules, DescribeNamesEverythingAFailedCaseNeeds) {
  AuditRecord record = with_option(unix_stream, "IPPROTO_TCP", "TCP_NODELAY");
  record.ret = -1;
  record.error = "EOPNOTSUPP";
  EXPECT_EQ(judge({record}).at(0).describe(),
            "setsockopt(fd 3 [AF_UNIX/SOCK_STREAM, transport], IPPROTO_TCP, TCP_NODELAY) = -1 "
            "EOPNOTSUPP from libpython3.11.so.1.0 [tcp-option-on-non-tcp]");
}

TEST(AuditRules, DescribeShowsNonSocketsEmulationAndInetProtocol) {
  AuditRecord send_on_pipe = on_pipe(unix_stream);
  send_on_pipe.call = "send";
  send_on_pipe.transport = false;
  send_on_pipe.ret = -1;
  send_on_pipe.error = "ENOTSOCK";
  send_on_pipe.caller = "ssh";
  EXPECT_EQ(judge({send_on_pipe}).at(0).describe(),
            "send(fd 3 [pipe, not transport]) = -1 ENOTSOCK from ssh [socket-call-on-non-socket]");

  AuditRecord on_udp = with_option(udp4, "IPPROTO_TCP", "TCP_NODELAY");
  on_udp.ret = -1;
  on_udp.error = "ENOPROTOOPT";
  EXPECT_EQ(judge({on_udp}).at(0).describe(),
            "setsockopt(fd 3 [AF_INET/SOCK_DGRAM/IPPROTO_UDP, transport], IPPROTO_TCP, "
            "TCP_NODELAY) = -1 ENOPROTOOPT from libpython3.11.so.1.0 [tcp-option-on-non-tcp]");

  AuditRecord emulated = with_option(unix_stream, "IPPROTO_TCP", "TCP_NODELAY");
  emulated.ret = -1;
  emulated.error = "EINVAL";
  emulated.emulated = true;
  EXPECT_NE(judge({emulated}).at(0).describe().find("= -1 EINVAL (emulated) from"),
            std::string::npos);
}

// Linux hands IPPROTO_IP options on AF_INET6 to its IPv4 code and succeeds; the BSDs refuse
// them (sshuttle/sshuttle#660). Only a call that succeeded here can be a portability finding.
TEST(AuditRules, ACallLinuxAcceptsButOtherPlatformsRefuseIsAPortabilityFinding) {
  AuditRecord tos_on_v6 = with_option(tcp6, "IPPROTO_IP", "IP_TOS");
  Finding accepted = judge({tos_on_v6}).at(0);
  EXPECT_TRUE(accepted.portability());
  EXPECT_EQ(accepted.refused_elsewhere, "openbsd, freebsd, macos: EINVAL");
  EXPECT_NE(accepted.describe().find("= 0 from libpython3.11.so.1.0 [ip-option-on-non-inet] (Linux "
                                     "accepts it, but refused on openbsd, freebsd, macos: EINVAL)"),
            std::string::npos) << accepted.describe();

  tos_on_v6.ret = -1;
  tos_on_v6.error = "EINVAL";
  EXPECT_FALSE(judge({tos_on_v6}).at(0).portability()) << "it failed here: an error";
  // Refused by Linux itself (ENOPROTOOPT): an error, whatever other platforms say.
  AuditRecord tclass_on_v4 = with_option(tcp4, "IPPROTO_IPV6", "IPV6_TCLASS");
  tclass_on_v4.ret = -1;
  EXPECT_FALSE(judge({tclass_on_v4}).at(0).portability());
  // Accepted here and refused nowhere known: still an error, never excused by guesswork.
  AuditRecord nodelay_on_udp = with_option(udp4, "IPPROTO_TCP", "TCP_NODELAY");
  EXPECT_FALSE(judge({nodelay_on_udp}).at(0).portability());
}

}  // namespace
}  // namespace sshtc::audit_test
