#include "audit_log.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>


namespace sshtc::preload {
namespace {

// For the executable dladdr reports argv[0], which programs that set their process title
// (sshd: "sshd: root@notty") overwrite; its real name is taken once, at load.
struct Executable {
  const char* argv0 = nullptr;
  char name[4096] = "?";  // as large as the path it comes from
};
Executable executable;

__attribute__((constructor)) void name_the_executable() {
  executable.argv0 = program_invocation_name;
  char path[4096];
  ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
  if (length <= 0) return;
  path[length] = '\0';
  const char* slash = std::strrchr(path, '/');
  std::snprintf(executable.name, sizeof executable.name, "%s", slash != nullptr ? slash + 1 : path);
}

// The basename of the object that holds `address`: "libssh.so.4", "libpython3.11.so.1.0", or
// the executable.
const char* calling_object(const void* address) {
  Dl_info info;
  if (dladdr(address, &info) == 0 || info.dli_fname == nullptr || *info.dli_fname == '\0') {
    return "?";
  }
  if (info.dli_fname == executable.argv0) return executable.name;
  const char* slash = std::strrchr(info.dli_fname, '/');
  return slash != nullptr ? slash + 1 : info.dli_fname;
}

// "<directory>/audit.<pid>.jsonl", or false when it does not fit.
bool log_path(char (&path)[PATH_MAX], const char* directory, pid_t pid) {
  char pid_text[24];
  audit::format_decimal(pid, pid_text);
  const char* parts[] = {directory, "/audit.", pid_text, ".jsonl"};
  size_t size = 0;
  for (const char* part : parts) {
    const size_t length = std::strlen(part);
    if (size + length >= sizeof path) return false;
    std::memcpy(path + size, part, length);
    size += length;
  }
  path[size] = '\0';
  return true;
}

std::atomic<bool> warned_unwritable{false};

// Said once per process: a silent gap would read as "no findings".
void warn_unwritable(const char* path) {
  if (warned_unwritable.exchange(true)) return;
  const char* parts[] = {"sshtc_audit: cannot append to ", path, "; calls go unrecorded\n"};
  for (const char* part : parts) {
    if (write(STDERR_FILENO, part, std::strlen(part)) < 0) return;
  }
}

// Each thread keeps its log open, high above the descriptors programs count on. Before each
// record it checks that the number still holds the file it opened, in this process: the program
// may closefrom() or dup2() over any descriptor (sshd does), and a child after fork must write
// its own file. A number that holds something else is the program's: it is left alone and the
// log opened again. Thread-local, so no lock that a fork could leave held.
struct KeptLog {
  int fd = -1;
  pid_t pid = 0;
  dev_t device = 0;
  ino_t inode = 0;
};
thread_local KeptLog kept __attribute__((tls_model("initial-exec")));

constexpr int kLowestKeptFd = 900;

bool still_ours(const KeptLog& log, pid_t pid) {
  struct stat status;
  return log.fd >= 0 && log.pid == pid && fstat(log.fd, &status) == 0 && status.st_dev == log.device &&
         status.st_ino == log.inode;
}

int open_log(const char* path, pid_t pid) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  const int high = fcntl(fd, F_DUPFD_CLOEXEC, kLowestKeptFd);
  if (high >= 0) {
    close(fd);
    fd = high;
  }
  struct stat status;
  if (fstat(fd, &status) != 0) {
    close(fd);
    return -1;
  }
  kept = {fd, pid, status.st_dev, status.st_ino};
  return fd;
}

}  // namespace

void write_audit_record(const AuditConfig& config, audit::AuditedCall call,
                        const void* return_address) {
  const pid_t pid = getpid();
  call.caller = calling_object(return_address);
  call.transport = config.transport.contains(call.fd);
  audit::JsonLine line;
  char path[PATH_MAX];
  if (!audit::format_audit_line(line, call, pid) || !log_path(path, config.directory, pid)) return;
  const int fd = still_ours(kept, pid) ? kept.fd : open_log(path, pid);
  if (fd < 0) {
    warn_unwritable(path);
    return;
  }
  // One write(2) of a whole line with O_APPEND: threads and processes never interleave.
  if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    warn_unwritable(path);
  }
}

}  // namespace sshtc::preload
