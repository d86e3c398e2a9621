#include "probe_run.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

extern char** environ;

namespace sshtc::audit_test {
namespace {

constexpr int kProbeFd = 3;

int check(int result, const char* what) {
  if (result < 0) throw std::system_error(errno, std::generic_category(), what);
  return result;
}

std::filesystem::path make_audit_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sshtc-audit-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp");
  }
  return pattern;
}

bool is_ours(const char* entry) {
  return std::strncmp(entry, "SSHTC_", 6) == 0 || std::strncmp(entry, "LD_PRELOAD=", 11) == 0;
}

// The test's own environment without any audit setting it may have, plus the probe's.
std::vector<std::string> probe_environment(const ProbeEnvironment& wanted,
                                           const std::filesystem::path& audit_dir) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!is_ours(*entry)) entries.emplace_back(*entry);
  }
  std::string preload = wanted.user_preload;
  if (wanted.backend != "syscall" && !wanted.replace_preload) {
    preload += (preload.empty() ? "" : " ") + std::string(SSHTC_AUDIT_LIBRARY);
  }
  if (!preload.empty()) entries.push_back("LD_PRELOAD=" + preload);
  for (const auto& variable : wanted.variables) entries.push_back(variable);
  entries.push_back("SSHTC_AUDIT_TRANSPORT_FDS=" + wanted.transport_fds);
  if (wanted.audit) entries.push_back("SSHTC_AUDIT_DIR=" + audit_dir.string());
  if (!wanted.errno_profile.empty()) {
    entries.push_back("SSHTC_ERRNO_PROFILE=" + wanted.errno_profile);
  }
  return entries;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& text : strings) result.push_back(text.data());
  result.push_back(nullptr);
  return result;
}

std::string drain(int fd) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t count = read(fd, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR) continue;
    check(static_cast<int>(count), "read");
    if (count == 0) return text;
    text.append(buffer, static_cast<size_t>(count));
  }
}

}  // namespace

ProbeRun::ProbeRun(const std::string& operation, int descriptor,
                   const ProbeEnvironment& environment)
    : audit_dir_(make_audit_dir()) {
  int output[2];
  int errors[2];
  check(pipe2(output, O_CLOEXEC), "pipe2");
  check(pipe2(errors, O_CLOEXEC), "pipe2");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errors[1], STDERR_FILENO);
  posix_spawn_file_actions_adddup2(&actions, descriptor, kProbeFd);

  std::vector<std::string> arguments = {SSHTC_AUDIT_PROBE, operation, std::to_string(kProbeFd)};
  if (environment.backend != "preload") arguments.insert(arguments.begin(), SSHTC_SYSCALL_AUDIT);
  std::vector<std::string> variables = probe_environment(environment, audit_dir_);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, arguments.front().c_str(), &actions, nullptr,
                                  pointers(arguments).data(), pointers(variables).data());
  posix_spawn_file_actions_destroy(&actions);
  close(output[1]);
  close(errors[1]);
  if (spawned == 0) {
    output_ = drain(output[0]);
    errors_ = drain(errors[0]);
  }
  close(output[0]);
  close(errors[0]);
  if (spawned != 0) throw std::system_error(spawned, std::generic_category(), "posix_spawn");
  int status = 0;
  check(waitpid(pid, &status, 0), "waitpid");
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

ProbeRun::~ProbeRun() {
  std::error_code ignored;
  std::filesystem::remove_all(audit_dir_, ignored);
}

}  // namespace sshtc::audit_test
