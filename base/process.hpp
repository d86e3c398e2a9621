// A child process with a deadline, in a process group of its own, that never outlives us.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sshtc {

using Clock = std::chrono::steady_clock;
using Environment = std::map<std::string, std::string>;

struct ProcessSpec {
  std::string what;  // who this is in messages: "libssh adapter", "sshd -i"
  std::vector<std::string> argv;
  // A program that runs argv in its own place (same pid, descriptors and group), such as the
  // syscall audit's launcher; argv is checked first, so a missing program is the same clear error.
  std::vector<std::string> wrapper;
  Environment env;  // the complete environment: nothing is inherited
  // Descriptors the child gets at fixed numbers: stdin/stdout (-1: /dev/null) and
  // descriptors it inherits under the number they have here.
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;  // -1: stderr_path
  std::vector<int> inherited_fds;
  std::filesystem::path stdout_path;  // used when stdout_fd is -1; empty: /dev/null
  std::filesystem::path stderr_path;  // empty: /dev/null
};

struct ExitStatus {
  bool timed_out = false;
  int code = -1;    // exit code, -1 when killed by a signal
  int signal = 0;   // the signal that ended it, 0 when it exited
  std::string describe() const;  // "exit 3", "killed by SIGSEGV", "timed out"
};

// Thrown when a program cannot be started at all; the message names what and why.
struct SpawnError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Kills every live process group and removes the scratch directories on SIGINT, SIGTERM and
// the crash signals, then dies of the signal; makes this process its orphans' subreaper.
// Process::spawn calls it; a harness calls it first thing, so that a signal that comes before
// its first child (a run interrupted while its cases start) still finds the handler.
void install_signal_cleanup();

class Process {
 public:
  static Process spawn(const ProcessSpec& spec);
  Process(Process&&) noexcept;
  Process& operator=(Process&&) noexcept;
  ~Process();  // kills the group and reaps, when still running

  // Waits until the process exits or the deadline passes; then the whole group is killed.
  ExitStatus wait_until(Clock::time_point deadline);
  // The exit status if the process ends within `timeout`; it is left running otherwise.
  std::optional<ExitStatus> exited_within(std::chrono::milliseconds timeout);
  // Kills the process group and reaps the leader.
  ExitStatus kill();
  int pid() const;
  // Readable once the process has exited (a pidfd), for waits that should end with it.
  int exit_fd() const;

 private:
  struct State;
  explicit Process(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace sshtc

namespace sshtc {

struct CommandResult {
  ExitStatus status;
  std::string output;  // stdout and then stderr
};

// Runs a short helper command (ssh-keygen, sshd -t) to completion within `timeout`.
// `scratch` is a path prefix for its captured output.
CommandResult run_command(const std::string& what, const std::vector<std::string>& argv,
                          const std::filesystem::path& scratch,
                          std::chrono::milliseconds timeout = std::chrono::seconds(20),
                          Environment env = {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}});

std::string read_file(const std::filesystem::path& path);

}  // namespace sshtc
