#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <atomic>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <mutex>

#include "scratch_dir.hpp"

namespace bp = boost::process;

namespace sshtc {
namespace {

// Process groups alive right now, so that an interrupted run (Ctrl-C, ctest's timeout
// SIGTERM) takes every sshd and adapter with it: they live in groups of their own, which
// the terminal's and ctest's signals do not reach.
std::array<std::atomic<pid_t>, 256> live_groups{};

void kill_live_groups_and_reraise(int sig) {
  for (auto& group : live_groups) {
    pid_t pg = group.load();
    if (pg > 0) ::kill(-pg, SIGKILL);
  }
  // Once nothing writes into them any more.
  remove_scratch_dirs_on_signal();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}


void track(pid_t pg) {
  for (auto& group : live_groups) {
    pid_t empty = 0;
    if (group.compare_exchange_strong(empty, pg)) return;
  }
}

void untrack(pid_t pg) {
  for (auto& group : live_groups) {
    pid_t expected = pg;
    if (group.compare_exchange_strong(expected, 0)) return;
  }
}

bool tracked(pid_t pid) {
  for (auto& group : live_groups) {
    if (group.load() == pid) return true;
  }
  return false;
}

// Descendants that left our groups (sshd's session child calls setsid) and lost their parent
// were reparented to us: kill and reap them, or they outlive the run, as zombies at least.
// Every child we still want is a tracked group leader or a member of a tracked group (the
// syscall audit's supervisor, reparented to us on purpose), which goes with its group.
void reap_strays() {
  std::error_code ignored;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ignored)) {
    std::ifstream children(task.path() / "children");
    for (pid_t pid; children >> pid;) {
      if (tracked(pid) || tracked(::getpgid(pid))) continue;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
}

int open_or_null(const std::filesystem::path& path, int flags) {
  const char* name = path.empty() ? "/dev/null" : path.c_str();
  int fd = ::open(name, flags | O_CLOEXEC, 0600);
  if (fd < 0) throw SpawnError("cannot open " + std::string(name) + ": " + strerror(errno));
  return fd;
}

struct Fd {
  int fd;
  ~Fd() { ::close(fd); }
};

}  // namespace

void install_signal_cleanup() {
  static std::once_flag once;
  std::call_once(once, [] {
    // A harness that crashes takes them with it too, and still dies of its signal.
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) {
      struct sigaction action {};
      action.sa_handler = kill_live_groups_and_reraise;
      sigemptyset(&action.sa_mask);
      ::sigaction(sig, &action, nullptr);
    }
    // Orphans of our children come to us instead of init, so that we can reap them.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    // A peer that died must show as a write error in the byte pump, not kill the harness.
    ::signal(SIGPIPE, SIG_IGN);
  });
}

std::string ExitStatus::describe() const {
  if (timed_out) return "timed out (killed with its process group)";
  if (signal != 0) {
    const char* abbrev = sigabbrev_np(signal);
    return abbrev ? std::string("killed by SIG") + abbrev : "killed by signal " + std::to_string(signal);
  }
  return "exit " + std::to_string(code);
}

struct Process::State {
  std::string what;
  bp::child child;
  int pidfd = -1;
  bool reaped = false;
  ExitStatus status;

  ~State() {
    if (!reaped) reap(true);
    if (pidfd >= 0) ::close(pidfd);
  }

  void reap(bool kill_leader) {
    pid_t pid = child.id();
    reaped = true;
    if (pid <= 0) return;
    // The leader is at worst a zombie here, so its group id cannot have been reused.
    ::kill(-pid, SIGKILL);
    if (kill_leader) ::kill(pid, SIGKILL);
    int raw = 0;
    while (::waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
    }
    // Members orphaned by the leader's death were reparented to us (we are a subreaper):
    // reap them too, or they linger as zombies where init does not reap.
    while (::waitpid(-pid, nullptr, 0) > 0 || errno == EINTR) {
    }
    reap_strays();
    child.detach();
    untrack(pid);
    if (WIFSIGNALED(raw)) {
      status.signal = WTERMSIG(raw);
    } else {
      status.code = WEXITSTATUS(raw);
    }
  }
};

Process::Process(std::unique_ptr<State> state) : state_(std::move(state)) {}
Process::Process(Process&&) noexcept = default;
Process& Process::operator=(Process&&) noexcept = default;
Process::~Process() = default;

int Process::pid() const { return state_->child.id(); }
int Process::exit_fd() const { return state_->pidfd; }

Process Process::spawn(const ProcessSpec& spec) {
  if (spec.argv.empty()) throw SpawnError(spec.what + ": empty command line");
  install_signal_cleanup();

  Fd null_in{open_or_null({}, O_RDONLY)};
  Fd out{spec.stdout_fd >= 0 ? ::fcntl(spec.stdout_fd, F_DUPFD_CLOEXEC, 3)
                             : open_or_null(spec.stdout_path, O_WRONLY | O_CREAT | O_TRUNC)};
  Fd err{spec.stderr_fd >= 0 ? ::fcntl(spec.stderr_fd, F_DUPFD_CLOEXEC, 3)
                             : open_or_null(spec.stderr_path, O_WRONLY | O_CREAT | O_TRUNC)};
  int in = spec.stdin_fd >= 0 ? spec.stdin_fd : null_in.fd;

  bp::environment env;
  env.clear();
  for (const auto& [name, value] : spec.env) env[name] = value;

  auto setup = [&](auto&) {
    // Runs in the child between fork and exec: async-signal-safe calls only.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::signal(SIGPIPE, SIG_DFL);  // an ignored signal would survive exec
    int in_copy = ::fcntl(in, F_DUPFD, 3);
    int out_copy = ::fcntl(out.fd, F_DUPFD, 3);
    ::dup2(in_copy, 0);
    ::dup2(out_copy, 1);
    ::dup2(err.fd, 2);
    ::close(in_copy);
    ::close(out_copy);
    for (int fd : spec.inherited_fds) ::fcntl(fd, F_SETFD, 0);
  };

  std::vector<std::string> argv = spec.argv;
  if (!spec.wrapper.empty()) {
    if (::access(argv.front().c_str(), X_OK) != 0) {
      throw SpawnError(spec.what + ": cannot start " + argv.front() + ": " + strerror(errno));
    }
    argv.insert(argv.begin(), spec.wrapper.begin(), spec.wrapper.end());
  }
  std::error_code ec;
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  auto state = std::make_unique<State>();
  state->what = spec.what;
  pid_t failed = -1;
  auto remember_failed = [&](auto& exec, const std::error_code&) { failed = exec.pid; };
  state->child = bp::child(bp::exe = argv.front(), bp::args = args, env,
                           bp::extend::on_exec_setup = setup,
                           bp::extend::on_error = remember_failed, ec);
  if (ec) {
    // bp leaves the child that failed to exec unreaped. No group kill here: the child object
    // holds pid -1, and kill(-1) would signal every process we may signal.
    if (failed > 0) ::waitpid(failed, nullptr, 0);
    state->reaped = true;
    throw SpawnError(spec.what + ": cannot start " + argv.front() + ": " + ec.message());
  }
  pid_t pid = state->child.id();
  track(pid);
  state->pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  return Process(std::move(state));
}

std::optional<ExitStatus> Process::exited_within(std::chrono::milliseconds timeout) {
  if (state_->reaped) return state_->status;
  auto deadline = Clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd pfd{state_->pidfd, POLLIN, 0};
    int ready = ::poll(&pfd, 1, left.count() > 0 ? static_cast<int>(left.count()) : 0);
    if (ready > 0) break;
    if (ready == 0 && left.count() <= 0) return std::nullopt;
    if (ready < 0 && errno != EINTR) {
      throw std::runtime_error("poll(pidfd): " + std::string(strerror(errno)));
    }
  }
  state_->reap(false);
  return state_->status;
}

ExitStatus Process::wait_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (auto status = exited_within(std::max(left, std::chrono::milliseconds(0)))) return *status;
  state_->reap(true);
  state_->status.timed_out = true;
  return state_->status;
}

ExitStatus Process::kill() {
  if (!state_->reaped) state_->reap(true);
  return state_->status;
}

}  // namespace sshtc

namespace sshtc {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

CommandResult run_command(const std::string& what, const std::vector<std::string>& argv,
                          const std::filesystem::path& scratch, std::chrono::milliseconds timeout,
                          Environment env) {
  ProcessSpec spec;
  spec.what = what;
  spec.argv = argv;
  spec.env = std::move(env);
  spec.stdout_path = scratch.string() + ".out";
  spec.stderr_path = scratch.string() + ".err";
  auto process = Process::spawn(spec);
  CommandResult result{process.wait_until(Clock::now() + timeout), {}};
  result.output = read_file(spec.stdout_path) + read_file(spec.stderr_path);
  std::filesystem::remove(spec.stdout_path);
  std::filesystem::remove(spec.stderr_path);
  return result;
}

}  // namespace sshtc
