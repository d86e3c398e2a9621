#include "client_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "../contract/contract.hpp"

extern char** environ;

namespace sshtc::proxy {
namespace {

// posix_spawn keeps the caller's process group unless asked otherwise: that is what we want.
pid_t spawn(const std::vector<std::string>& argv, int output_fd, const std::string& stderr_path = "",
            bool inherit_stdin = false) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!inherit_stdin) posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (output_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, output_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, output_fd, STDERR_FILENO);
  }
  if (!stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  pid_t pid = -1;
  int error = posix_spawn(&pid, args.front(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    std::fprintf(stderr, "cannot run %s: %s\n", args.front(), strerror(error));
    return -1;
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

}  // namespace

int run_client(const std::vector<std::string>& argv, const std::string& stderr_path, bool inherit_stdin) {
  pid_t pid = spawn(argv, -1, stderr_path, inherit_stdin);
  if (pid < 0) return kSessionFailed;
  int status = wait_for(pid);
  if (status >= 0 && WIFEXITED(status)) return WEXITSTATUS(status);
  std::fprintf(stderr, "%s %s\n", argv.front().c_str(),
               status >= 0 && WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "was lost");
  return kSessionFailed;
}

std::string output_of(const std::vector<std::string>& argv, int* exit_status) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return "";
  pid_t pid = spawn(argv, fds[1]);
  ::close(fds[1]);
  std::string output;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) output.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = pid < 0 ? -1 : wait_for(pid);
  if (exit_status) *exit_status = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

}  // namespace sshtc::proxy
