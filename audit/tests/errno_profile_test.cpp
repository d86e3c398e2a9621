// SSHTC_ERRNO_PROFILE: TCP- and IP-level options on a non-inet socket answered as another
// platform would, without reaching the Linux kernel (which would say EOPNOTSUPP).
#include <gtest/gtest.h>

#include <cstring>

#include "probe_run.hpp"
#include "test_descriptors.hpp"

namespace sshtc::audit_test {
namespace {

struct Platform {
  const char* profile;
  int error;
  const char* error_name;
};

struct Option {
  const char* operation;
  const char* level;
};

constexpr Platform platforms[] = {
    {"openbsd", ENOPROTOOPT, "ENOPROTOOPT"},
    {"freebsd", EINVAL, "EINVAL"},
    {"macos", EOPNOTSUPP, "EOPNOTSUPP"},
    {"wsl1", EPERM, "EPERM"},
};

constexpr Option options[] = {
    {"tcp-nodelay", "IPPROTO_TCP"},
    {"get-tcp-nodelay", "IPPROTO_TCP"},
    {"ip-tos", "IPPROTO_IP"},
    {"ipv6-tclass", "IPPROTO_IPV6"},
};

ProbeEnvironment with_profile(const char* profile) {
  ProbeEnvironment environment;
  environment.errno_profile = profile;
  return environment;
}

class ErrnoProfile : public ::testing::TestWithParam<std::tuple<Platform, Option>> {};

TEST_P(ErrnoProfile, AnswersForTheKernelOnUnixSockets) {
  const auto& [platform, option] = GetParam();
  TestDescriptors descriptors;
  const ProbeRun run(option.operation, descriptors.unix_stream(), with_profile(platform.profile));
  EXPECT_EQ(run.output(), "-1 " + std::to_string(platform.error) + " " +
                              std::strerror(platform.error) + "\n");
  const std::vector<AuditRecord> records = run.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].level, option.level);
  EXPECT_EQ(records[0].error, platform.error_name);
  EXPECT_TRUE(records[0].emulated);
}

INSTANTIATE_TEST_SUITE_P(
    AllPlatforms, ErrnoProfile,
    ::testing::Combine(::testing::ValuesIn(platforms), ::testing::ValuesIn(options)),
    [](const ::testing::TestParamInfo<ErrnoProfile::ParamType>& info) {
      std::string name = std::string(std::get<0>(info.param).profile) + "_" +
                         std::get<1>(info.param).operation;
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

TEST(ErrnoProfileScope, OpenbsdSaysProtocolNotAvailable) {
  TestDescriptors descriptors;
  const ProbeRun run("tcp-nodelay", descriptors.unix_stream(), with_profile("openbsd"));
  EXPECT_EQ(run.output(), "-1 92 Protocol not available\n");
}

TEST(ErrnoProfileScope, InetSocketsReachTheKernel) {
  TestDescriptors descriptors;
  const ProbeRun run("tcp-nodelay", descriptors.tcp4(), with_profile("openbsd"));
  EXPECT_EQ(run.output(), "0 0 \n");
  ASSERT_EQ(run.records().size(), 1u);
  EXPECT_FALSE(run.records()[0].emulated);
}

TEST(ErrnoProfileScope, PipesKeepEnotsockAsOnEveryPlatform) {
  TestDescriptors descriptors;
  const ProbeRun run("tcp-nodelay", descriptors.pipe_write_end(), with_profile("freebsd"));
  EXPECT_EQ(run.output(), "-1 88 Socket operation on non-socket\n");
  ASSERT_EQ(run.records().size(), 1u);
  EXPECT_FALSE(run.records()[0].emulated);
}

TEST(ErrnoProfileScope, SocketLevelOptionsReachTheKernel) {
  TestDescriptors descriptors;
  const ProbeRun run("keepalive", descriptors.unix_stream(), with_profile("macos"));
  EXPECT_EQ(run.output(), "0 0 \n");
}

TEST(ErrnoProfileScope, UnknownProfileIsNamedOnceAndIgnored) {
  TestDescriptors descriptors;
  const ProbeRun run("tcp-nodelay", descriptors.unix_stream(), with_profile("solaris"));
  EXPECT_EQ(run.errors(),
            "sshtc_audit: ignoring SSHTC_ERRNO_PROFILE=solaris; accepted: openbsd, freebsd, "
            "macos, wsl1\n");
  EXPECT_EQ(run.output(), "-1 95 Operation not supported\n");
  ASSERT_EQ(run.records().size(), 1u);
  EXPECT_FALSE(run.records()[0].emulated);
}

}  // namespace
}  // namespace sshtc::audit_test
