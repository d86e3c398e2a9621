// The audit's strictness, end to end through the door a user's own client comes in by:
// SSHTC_EXTRA_CLIENTS. A client that makes any TCP-level or IP-level call on a stream that is
// not TCP, set or get, or a socket call on a pipe, gets FAIL with the call named, even though
// its session works; the same client without the call gets PASS. A known probe is XFAIL, but
// its expectation does not excuse a session that breaks, and one that is no longer seen is XPASS.
#include <gtest/gtest.h>

#include <fstream>

#include "child_matrix.hpp"
#include "matrix.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

struct StrayCall {
  std::string call;  // sshtc-planted-call's CALL
  ExpectedCell expected;
  bool breaks_session = false;  // the wrapped adapter is missing: the session fails
};

// Added to the project's expectations: the stray-probe rows' call as a known, harmless probe.
const char* kKnownProbes =
    "stray-probe | * | socketpair | * | client | tcp-option-on-non-tcp | the suite's own test | a known probe\n"
    "stray-probe-broken | * | socketpair | * | client | tcp-option-on-non-tcp | the suite's own test | a known probe\n"
    "stray-stale | * | socketpair | * | client | tcp-option-on-non-tcp | the suite's own test | a probe since removed\n";

const std::vector<StrayCall> kStrayCalls = {
    {"set:IPPROTO_TCP:TCP_KEEPIDLE", {{"stray-keepidle", "unix"}, Verdict::Fail,
     {"stray-keepidle over unix", "setsockopt(fd", "[AF_UNIX/SOCK_STREAM, transport], IPPROTO_TCP, TCP_KEEPIDLE) = -1 EOPNOTSUPP",
      "from sshtc-planted-call [tcp-option-on-non-tcp]"}}},
    {"set:IPPROTO_TCP:TCP_KEEPIDLE", {{"stray-keepidle", "tcp4"}, Verdict::Pass, {}}},
    {"get:IPPROTO_TCP:TCP_USER_TIMEOUT", {{"stray-user-timeout", "socketpair"}, Verdict::Fail,
     {"getsockopt(fd", "IPPROTO_TCP, TCP_USER_TIMEOUT) = -1 EOPNOTSUPP", "[tcp-option-on-non-tcp]"}}},
    {"set:IPPROTO_IP:IP_TOS", {{"stray-tos", "tunnel"}, Verdict::Fail,
     {"[AF_UNIX/SOCK_STREAM, transport], IPPROTO_IP, IP_TOS) = -1", "[ip-option-on-non-inet]"}}},
    {"get:IPPROTO_IPV6:IPV6_TCLASS", {{"stray-tclass", "tcp4"}, Verdict::Fail,
     {"[AF_INET/SOCK_STREAM/IPPROTO_TCP, not transport], IPPROTO_IPV6, IPV6_TCLASS)", "[ip-option-on-non-inet]"}}},
    {"getpeername", {{"stray-peername", "pipe"}, Verdict::Fail,
     {"getpeername(fd", "[pipe, transport]) = -1 ENOTSOCK", "[socket-call-on-non-socket]"}}},
    {"none", {{"stray-none", "pipe"}, Verdict::Pass, {}}},
    {"none", {{"stray-none", "socketpair"}, Verdict::Pass, {}}},
    {"get:IPPROTO_TCP:TCP_NODELAY", {{"stray-probe", "socketpair"}, Verdict::XFail,
     {"tcp-option-on-non-tcp [the suite's own test]", "the session still worked"}}},
    {"get:IPPROTO_TCP:TCP_NODELAY", {{"stray-probe-broken", "socketpair"}, Verdict::Fail,
     {"the session failed (cannot run /nonexistent/adapter", "no expectation of this cell says it should"}},
     true},
    {"none", {{"stray-stale", "socketpair"}, Verdict::XPass,
     {"XPASS: expected client tcp-option-on-non-tcp (the suite's own test", "the expectation is stale"}}},
};

// A user's adapter is one executable: this one wraps the planted control and the libssh
// adapter (through ProxyCommand, so that it can do pipes too).
fs::path write_wrapper(const fs::path& dir, const StrayCall& stray) {
  fs::path wrapper = dir / stray.expected.cell.client;
  std::string adapter = stray.breaks_session ? "/nonexistent/adapter" : SSHTC_LIBSSH_ADAPTER;
  std::ofstream(wrapper) << "#!/bin/sh\nexec '" SSHTC_PLANTED_CALL "' '" << stray.call << "' '"
                         << adapter << "' --proxy-command \"$@\"\n";
  fs::permissions(wrapper, fs::perms::owner_all);
  return wrapper;
}

TEST(StrayCalls, AnyTcpOrIpCallOnANonTcpStreamFailsItsCellWithTheCallNamed) {
  fs::path dir = RunContext::get().run.case_dir("StrayCalls");
  std::map<std::string, fs::path> clients;
  std::vector<ExpectedCell> expected;
  for (const auto& stray : kStrayCalls) {
    clients.emplace(stray.expected.cell.client, write_wrapper(dir, stray));
    expected.push_back(stray.expected);
  }
  fs::path expectations = dir / "expectations.txt";
  fs::copy_file(SSHTC_FIXTURES_DIR "/expectations.txt", expectations);
  std::ofstream(expectations, std::ios::app) << kKnownProbes;
  expect_child_matrix(dir, clients, expected, {{"SSHTC_EXPECTATIONS", expectations.string()}});
}

}  // namespace
}  // namespace sshtc
