// sshtc-syscall-audit: runs a program under the syscall backend of the audit.
//
//   sshtc-syscall-audit PROGRAM [ARGS...]   exec PROGRAM, its audited syscalls recorded in
//                                           $SSHTC_AUDIT_DIR/syscall.<pid>.jsonl
//   sshtc-syscall-audit --probe             can this kernel do it? "ok", or why not (exit 1)
//
// PROGRAM keeps this process's pid, parent, process group and descriptors. The supervisor
// that answers its calls is started first, before the filter, as this process's sibling: a
// program that waits for all of its children (a shell's `wait`) never waits for it. It ends when
// the last filtered process has, and it is in the program's process group, so the harness's
// group kill takes it too.
//
// Exit 125 with a message on stderr when the audit cannot be set up: never an unaudited run.
#include <fcntl.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "filter.hpp"
#include "supervisor.hpp"

using namespace sshtc::audit;

namespace {

constexpr int kSetupFailed = 125;

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "sshtc-syscall-audit: %s\n", message.c_str());
  std::exit(kSetupFailed);
}

// "EPERM (Operation not permitted)".
std::string error_text(int error) {
  const char* name = strerrorname_np(error);
  return std::string(name ? name : "?") + " (" + std::strerror(error) + ")";
}

// Closes every descriptor but `keep`.
void close_all_but(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned next = 0;
  for (int fd : keep) {
    if (static_cast<unsigned>(fd) > next) syscall(SYS_close_range, next, fd - 1, 0);
    next = fd + 1;
  }
  syscall(SYS_close_range, next, ~0U, 0);
}

struct Handover {
  int to_supervisor[2];    // the listener's number in the launcher
  int from_supervisor[2];  // one byte: it has its copy (or an errno when it could not)
};

// In the supervisor: takes the listener out of the launcher and serves. Never returns.
[[noreturn]] void become_supervisor(pid_t launcher, Handover& handover, SupervisorConfig config,
                                    const std::string& record_path) {
  close_all_but({STDERR_FILENO, handover.to_supervisor[0], handover.from_supervisor[1]});
  auto refuse = [&](int error) {
    const char answer = static_cast<char>(error);
    (void)!write(handover.from_supervisor[1], &answer, 1);
    _exit(kSetupFailed);
  };
  if (!record_path.empty()) {
    config.record_fd = open(record_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (config.record_fd < 0) refuse(errno);
  } else {
    config.record_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  }
  int number = -1;
  if (read(handover.to_supervisor[0], &number, sizeof number) != sizeof number) _exit(kSetupFailed);
  const int process = static_cast<int>(syscall(SYS_pidfd_open, launcher, 0));
  if (process < 0) refuse(errno);
  const int listener = static_cast<int>(syscall(SYS_pidfd_getfd, process, number, 0));
  if (listener < 0) refuse(errno);
  close(process);
  const char ok = 0;
  if (write(handover.from_supervisor[1], &ok, 1) != 1) _exit(kSetupFailed);
  close(handover.from_supervisor[1]);
  close(handover.to_supervisor[0]);
  Supervisor supervisor(listener, config);
  const std::string stopped = supervisor.serve();
  if (stopped.empty()) _exit(0);
  // A supervisor that cannot go on leaves its processes' audited calls failing with ENOSYS, and
  // their audit with a gap: the session must fail, loudly, rather than pass half-audited.
  std::fprintf(stderr, "sshtc-syscall-audit: the supervisor stopped: %s; killing the audited processes\n",
               stopped.c_str());
  kill(0, SIGKILL);
  _exit(kSetupFailed);
}

// Forks the supervisor, installs the filter on this process and hands the listener over. On
// return this process is filtered; "" or why it could not be.
std::string start_audit(const SupervisorConfig& config, const std::string& record_path) {
  Handover handover;
  if (pipe2(handover.to_supervisor, O_CLOEXEC) != 0 || pipe2(handover.from_supervisor, O_CLOEXEC) != 0) {
    return "pipe2: " + error_text(errno);
  }
  const pid_t launcher = getpid();
  // CLONE_PARENT: the supervisor is our sibling, the child of whoever started us, not ours.
  // (fork() is clone with SIGCHLD alone; this launcher has one thread and no locks held.)
  const long supervisor = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, 0);
  if (supervisor < 0) return "clone(CLONE_PARENT): " + error_text(errno);
  if (supervisor == 0) become_supervisor(launcher, handover, config, record_path);
  close(handover.to_supervisor[0]);
  close(handover.from_supervisor[1]);
  const int listener = install_audit_filter();
  std::string failure;
  if (listener < 0) {
    failure = "seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER): " + error_text(-listener);
  }
  // -1 tells the supervisor there is nothing to take.
  (void)!write(handover.to_supervisor[1], &listener, sizeof listener);
  char answer = -1;
  if (listener >= 0 && read(handover.from_supervisor[0], &answer, 1) != 1) {
    failure = "the supervisor exited before it took the listener";
  } else if (listener >= 0 && answer != 0) {
    failure = "the supervisor could not take the listener (pidfd_open, pidfd_getfd) or open its records: " +
              error_text(answer);
  }
  if (listener >= 0) close(listener);
  close(handover.to_supervisor[1]);
  close(handover.from_supervisor[0]);
  return failure;
}

// One audited call that the supervisor must answer as the kernel would: TCP_NODELAY on an
// AF_UNIX socket, EOPNOTSUPP.
int probe() {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) fail("socketpair: " + error_text(errno));
  const pid_t child = fork();
  if (child == 0) {
    SupervisorConfig config;
    config.launched = getpid();
    const std::string failure = start_audit(config, "");
    if (!failure.empty()) {
      std::printf("%s\n", failure.c_str());
      std::fflush(stdout);
      _exit(1);
    }
    int on = 1;
    const long result = syscall(SYS_setsockopt, pair[0], IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (result == -1 && errno == EOPNOTSUPP) {
      std::printf("ok\n");
      std::fflush(stdout);
      _exit(0);
    }
    std::printf("the supervisor answered setsockopt(TCP_NODELAY) on a socketpair with %ld %s, not -1 EOPNOTSUPP\n",
                result, result < 0 ? error_text(errno).c_str() : "");
    std::fflush(stdout);
    _exit(1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--probe") == 0) return probe();
  if (argc < 2) fail("usage: sshtc-syscall-audit PROGRAM [ARGS...] | --probe");
  const char* directory = std::getenv("SSHTC_AUDIT_DIR");
  if (directory == nullptr || *directory == '\0') fail("SSHTC_AUDIT_DIR is not set: nowhere to record");
  SupervisorConfig config;
  config.launched = getpid();
  const char* fds = std::getenv("SSHTC_AUDIT_TRANSPORT_FDS");
  if (!config.transport.parse(fds)) fail(std::string("SSHTC_AUDIT_TRANSPORT_FDS=") + fds + ": not up to 16 descriptor numbers separated by commas");
  const char* profile = std::getenv("SSHTC_ERRNO_PROFILE");
  if (!parse_errno_profile(profile, &config.profile)) fail(std::string("SSHTC_ERRNO_PROFILE=") + profile + ": accepted: openbsd, freebsd, macos, wsl1");
  const std::string record_path = std::string(directory) + "/syscall." + std::to_string(getpid()) + ".jsonl";
  const std::string failure = start_audit(config, record_path);
  if (!failure.empty()) fail(failure);
  execvp(argv[1], argv + 1);
  fail(std::string("cannot run ") + argv[1] + ": " + error_text(errno));
}
