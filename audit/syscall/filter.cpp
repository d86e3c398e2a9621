#include "filter.hpp"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <vector>

namespace sshtc::audit {

const AuditedSyscall kAuditedSyscalls[11] = {
    {SYS_setsockopt, "setsockopt"},   {SYS_getsockopt, "getsockopt"},
    {SYS_shutdown, "shutdown"},       {SYS_getpeername, "getpeername"},
    {SYS_getsockname, "getsockname"}, {SYS_sendto, "sendto"},
    {SYS_recvfrom, "recvfrom"},       {SYS_sendmsg, "sendmsg"},
    {SYS_recvmsg, "recvmsg"},         {SYS_sendmmsg, "sendmmsg"},
    {SYS_recvmmsg, "recvmmsg"},
};

const char* audited_syscall_name(int number) {
  for (const AuditedSyscall& syscall : kAuditedSyscalls) {
    if (syscall.number == number) return syscall.name;
  }
  return nullptr;
}

namespace {

constexpr unsigned kArch = offsetof(seccomp_data, arch);
constexpr unsigned kNumber = offsetof(seccomp_data, nr);
// The low 32 bits of an argument (little-endian): level and option are ints.
constexpr unsigned argument(int index) { return offsetof(seccomp_data, args) + 8 * index; }

sock_filter statement(unsigned short code, unsigned value) { return BPF_STMT(code, value); }
sock_filter jump_if_equal(unsigned value, unsigned char if_true, unsigned char if_false) {
  return BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, if_true, if_false);
}

// Built as a list, with jumps counted from the end, so that adding a syscall is one line above.
std::vector<sock_filter> program() {
  std::vector<sock_filter> code;
  const sock_filter allow = statement(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  const sock_filter notify = statement(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
  // Another ABI (i386, x32) has other numbers: it runs unaudited, as it would under the preload
  // of a 64-bit libc.
  code.push_back(statement(BPF_LD | BPF_W | BPF_ABS, kArch));
  code.push_back(jump_if_equal(AUDIT_ARCH_X86_64, 1, 0));
  code.push_back(allow);
  code.push_back(statement(BPF_LD | BPF_W | BPF_ABS, kNumber));
  // getsockopt(SOL_SOCKET, SO_DOMAIN | SO_TYPE | SO_PROTOCOL) is how both backends classify a
  // descriptor (descriptor.hpp), on sockets only: the preload's own looking must not stop.
  code.push_back(jump_if_equal(SYS_getsockopt, 0, 8));
  code.push_back(statement(BPF_LD | BPF_W | BPF_ABS, argument(1)));
  code.push_back(jump_if_equal(SOL_SOCKET, 0, 4));
  code.push_back(statement(BPF_LD | BPF_W | BPF_ABS, argument(2)));
  code.push_back(jump_if_equal(SO_DOMAIN, 3, 0));
  code.push_back(jump_if_equal(SO_TYPE, 2, 0));
  code.push_back(jump_if_equal(SO_PROTOCOL, 1, 0));
  code.push_back(notify);
  code.push_back(allow);
  // An exec stops too, unrecorded: the supervisor's knowledge of the process's maps is then stale.
  code.push_back(jump_if_equal(SYS_execve, 0, 1));
  code.push_back(notify);
  code.push_back(jump_if_equal(SYS_execveat, 0, 1));
  code.push_back(notify);
  // Any other audited syscall stops.
  constexpr unsigned char count = sizeof kAuditedSyscalls / sizeof kAuditedSyscalls[0];
  for (unsigned char index = 0; index < count; ++index) {
    code.push_back(jump_if_equal(static_cast<unsigned>(kAuditedSyscalls[index].number),
                                 static_cast<unsigned char>(count - index), 0));
  }
  code.push_back(allow);
  code.push_back(notify);
  return code;
}

}  // namespace

int install_audit_filter() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -errno;
  std::vector<sock_filter> code = program();
  sock_fprog filter{static_cast<unsigned short>(code.size()), code.data()};
  // Once the supervisor has taken a call, only a fatal signal interrupts the wait for its
  // answer: Go's preemption signals (SIGURG) would otherwise restart a call made twice.
  long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                          SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
                          &filter);
  if (listener < 0 && errno == EINVAL) {
    listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &filter);
  }
  return listener < 0 ? -errno : static_cast<int>(listener);
}

}  // namespace sshtc::audit
