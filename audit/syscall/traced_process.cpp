#include "traced_process.hpp"

#include <sys/syscall.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sshtc::audit {

pid_t TracedProcesses::process_of(pid_t tid) {
  auto known = process_of_thread_.find(tid);
  if (known != process_of_thread_.end()) return known->second;
  std::ifstream status("/proc/" + std::to_string(tid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Tgid:", 0) == 0) {
      const pid_t pid = static_cast<pid_t>(std::stol(line.substr(5)));
      process_of_thread_.emplace(tid, pid);
      return pid;
    }
  }
  return -1;
}

int TracedProcesses::pidfd(pid_t pid) {
  auto known = pidfds_.find(pid);
  if (known != pidfds_.end()) return known->second.get();
  const int opened = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (opened < 0) return -errno;
  return pidfds_.emplace(pid, UniqueFd(opened)).first->second.get();
}

int TracedProcesses::copy_descriptor(pid_t pid, int fd) {
  const int process = pidfd(pid);
  if (process < 0) return process;
  const int copy = static_cast<int>(syscall(SYS_pidfd_getfd, process, fd, 0));
  if (copy >= 0) return copy;
  const int error = errno;
  // A pid reused since the cache was filled: ask once more with a fresh pidfd.
  if (error == ESRCH) pidfds_.erase(pid);
  return -error;
}

bool TracedProcesses::read_memory(pid_t pid, unsigned long long address, void* buffer, size_t size) {
  if (size == 0) return true;
  iovec local{buffer, size};
  iovec remote{reinterpret_cast<void*>(address), size};
  return process_vm_readv(pid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(size);
}

bool TracedProcesses::write_memory(pid_t pid, unsigned long long address, const void* buffer,
                                   size_t size) {
  if (size == 0) return true;
  iovec local{const_cast<void*>(buffer), size};
  iovec remote{reinterpret_cast<void*>(address), size};
  return process_vm_writev(pid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(size);
}

TracedProcesses::Origin TracedProcesses::origin(pid_t pid, unsigned long long address) {
  Origin origin;
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  for (std::string line; std::getline(maps, line);) {
    const size_t path = line.find('/');
    if (path == std::string::npos) continue;
    std::string file = line.substr(path);
    if (const size_t deleted = file.rfind(" (deleted)"); deleted != std::string::npos) file.resize(deleted);
    const std::string name = file.substr(file.rfind('/') + 1);
    if (name == "libsshtc_audit.so") origin.preload_loaded = true;
    unsigned long long start = 0, end = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx", &start, &end) == 2 && address >= start && address < end) {
      origin.object = name;
    }
  }
  return origin;
}

}  // namespace sshtc::audit
