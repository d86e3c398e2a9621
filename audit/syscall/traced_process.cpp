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
  for (int attempt = 0;; ++attempt) {
    const int process = pidfd(pid);
    if (process < 0) return process;
    const int copy = static_cast<int>(syscall(SYS_pidfd_getfd, process, fd, 0));
    if (copy >= 0) return copy;
    const int error = errno;
    if (error != ESRCH || attempt == 1) return -error;
    // The cached pidfd is of an earlier process under a pid reused since: once more, fresh.
    pidfds_.erase(pid);
    process_of_thread_.erase(pid);
  }
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

TracedProcesses::Maps TracedProcesses::read_maps(pid_t pid) {
  Maps maps;
  std::ifstream lines("/proc/" + std::to_string(pid) + "/maps");
  for (std::string line; std::getline(lines, line);) {
    const size_t path = line.find('/');
    if (path == std::string::npos) continue;
    std::string file = line.substr(path);
    if (const size_t deleted = file.rfind(" (deleted)"); deleted != std::string::npos) file.resize(deleted);
    Mapping mapping{0, 0, file.substr(file.rfind('/') + 1)};
    if (mapping.object == "libsshtc_audit.so") maps.preload_loaded = true;
    if (std::sscanf(line.c_str(), "%llx-%llx", &mapping.start, &mapping.end) == 2) maps.mappings.push_back(mapping);
  }
  return maps;
}

TracedProcesses::Origin TracedProcesses::origin(pid_t pid, unsigned long long address) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto known = maps_.find(pid);
    if (known == maps_.end()) known = maps_.emplace(pid, read_maps(pid)).first;
    for (const Mapping& mapping : known->second.mappings) {
      if (address >= mapping.start && address < mapping.end) return {mapping.object, known->second.preload_loaded};
    }
    maps_.erase(known);
  }
  return {};
}

}  // namespace sshtc::audit
