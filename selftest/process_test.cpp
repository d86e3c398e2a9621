// Deadlines and clean-up: nothing the harness starts outlives its case.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "../base/process.hpp"

namespace sshtc {
namespace {

const std::string kAdapters = SSHTC_SELFTEST_DIR "/adapters/";

bool group_alive(pid_t group) { return ::kill(-group, 0) == 0; }

TEST(Process, HungProgramIsKilledWithItsGroupAtTheDeadline) {
  ProcessSpec spec;
  spec.what = "hanging adapter";
  spec.argv = {kAdapters + "hangs.sh"};
  spec.env = {{"PATH", "/usr/bin:/bin"}};
  auto process = Process::spawn(spec);
  pid_t group = process.pid();
  auto start = Clock::now();
  ExitStatus status = process.wait_until(start + std::chrono::milliseconds(300));
  EXPECT_TRUE(status.timed_out);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(status.describe(), "timed out (killed with its process group)");
  EXPECT_FALSE(group_alive(group)) << "the adapter's background child outlived it";
}

TEST(Process, SignalDeathIsNamed) {
  ProcessSpec spec;
  spec.what = "crashing adapter";
  spec.argv = {kAdapters + "crashes.sh"};
  spec.env = {{"PATH", "/usr/bin:/bin"}};
  ExitStatus status = Process::spawn(spec).wait_until(Clock::now() + std::chrono::seconds(5));
  EXPECT_EQ(status.signal, SIGSEGV);
  EXPECT_EQ(status.describe(), "killed by SIGSEGV");
}

TEST(Process, MissingProgramIsAClearError) {
  ProcessSpec spec;
  spec.what = "ghost adapter";
  spec.argv = {"/nonexistent/sshtc-adapter"};
  spec.env = {};
  try {
    Process::spawn(spec);
    FAIL() << "spawning a missing program succeeded";
  } catch (const SpawnError& error) {
    EXPECT_NE(std::string(error.what()).find("ghost adapter: cannot start /nonexistent/sshtc-adapter"),
              std::string::npos) << error.what();
  }
}

TEST(Process, EnvironmentIsExactlyWhatWasGiven) {
  ::setenv("SSH_AUTH_SOCK", "/tmp/should-never-leak", 1);
  auto scratch = std::filesystem::temp_directory_path() / ("sshtc-env-" + std::to_string(::getpid()));
  auto result = run_command("env", {"/usr/bin/env"}, scratch);
  EXPECT_EQ(result.status.code, 0);
  EXPECT_EQ(result.output.find("SSH_AUTH_SOCK"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("PATH="), std::string::npos) << result.output;
}

}  // namespace
}  // namespace sshtc
