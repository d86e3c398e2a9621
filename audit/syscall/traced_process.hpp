// What the supervisor reaches of a process that stopped on an audited call: its descriptors
// (pidfd_getfd), its memory (process_vm_readv/writev) and which object a code address is in.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "../../base/unique_fd.hpp"

namespace sshtc::audit {

class TracedProcesses {
 public:
  // The thread group of thread `tid`, or -1 once it is gone.
  pid_t process_of(pid_t tid);
  // A copy of `fd` of process `pid` in this process, or -errno (-EBADF: it is not open there).
  int copy_descriptor(pid_t pid, int fd);
  // Whole transfers only; false when any byte could not be moved.
  static bool read_memory(pid_t pid, unsigned long long address, void* buffer, size_t size);
  static bool write_memory(pid_t pid, unsigned long long address, const void* buffer, size_t size);
  // What a record says of where a call came from, read off /proc/PID/maps at the call.
  struct Origin {
    std::string object = "?";     // the mapped file holding the address: "libc.so.6", the executable
    bool preload_loaded = false;  // the preload audit is in the process: it saw every libc call
  };
  // From the process's maps, read once and again only when the address is in none of them (a
  // library loaded since) or after forget_maps (an exec).
  Origin origin(pid_t pid, unsigned long long address);
  void forget_maps(pid_t pid) { maps_.erase(pid); }

 private:
  int pidfd(pid_t pid);
  std::unordered_map<pid_t, pid_t> process_of_thread_;
  struct Mapping {
    unsigned long long start, end;
    std::string object;
  };
  struct Maps {
    std::vector<Mapping> mappings;
    bool preload_loaded = false;
  };
  static Maps read_maps(pid_t pid);

  std::unordered_map<pid_t, UniqueFd> pidfds_;
  std::unordered_map<pid_t, Maps> maps_;
};

}  // namespace sshtc::audit
