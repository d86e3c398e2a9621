// A syscall made with the syscall instruction itself, as Go's runtime and static binaries make
// theirs: no libc function on the way, so nothing an LD_PRELOAD library interposes sees it.
// x86_64 only, as the syscall audit is.
#pragma once

#include <cerrno>

namespace sshtc {

inline long raw_syscall(long number, long a, long b, long c, long d, long e) {
  long result;
  register long r10 asm("r10") = d;
  register long r8 asm("r8") = e;
  asm volatile("syscall"
               : "=a"(result)
               : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
               : "rcx", "r11", "memory");
  if (result < 0 && result > -4096) {
    errno = static_cast<int>(-result);
    return -1;
  }
  return result;
}

}  // namespace sshtc
