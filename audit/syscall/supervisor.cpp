#include "supervisor.hpp"

#include <linux/seccomp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "../common/json_line.hpp"
#include "filter.hpp"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS  // Linux 6.6; Debian 12's headers are 6.1
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

namespace sshtc::audit {
namespace {

constexpr int kMptcpLevel = 284;  // SOL_MPTCP
constexpr socklen_t kLargestOption = 65536;

// Whether an option call can be made here in the caller's place with the same effect: its value
// holds no pointer into the caller and no descriptor of the caller's, and nothing it creates
// lands in the caller's descriptor table.
bool can_make_here(bool set, int level, int option) {
  switch (level) {
    case SOL_SOCKET:
      if (set) {
        return option != SO_ATTACH_FILTER && option != SO_ATTACH_BPF &&
               option != SO_ATTACH_REUSEPORT_CBPF && option != SO_ATTACH_REUSEPORT_EBPF;
      }
      return option != 77;  // SO_PEERPIDFD: a new descriptor, in the getter's table
    case IPPROTO_TCP:
      return option != TCP_ZEROCOPY_RECEIVE;  // maps pages into the caller
    case IPPROTO_IP:
    case IPPROTO_IPV6:
      return option < 64;  // 64 and up are netfilter's tables, with user pointers inside
    case kMptcpLevel:
      return true;
    default:
      return false;
  }
}

struct Made {
  bool made = false;  // false: the kernel answers in the caller's context, unrecorded
  long long result = 0;
  int error = 0;
};

Made made(long long result) { return {true, result, result < 0 ? errno : 0}; }

Made make_option_call(const seccomp_notif& call, int fd, const Descriptor& descriptor, bool set) {
  const pid_t tid = static_cast<pid_t>(call.pid);
  const auto* args = call.data.args;
  const int level = static_cast<int>(args[1]);
  const int option = static_cast<int>(args[2]);
  // On a non-socket the kernel looks at nothing but the descriptor: ENOTSOCK.
  if (!descriptor.is_socket()) {
    socklen_t length = 0;
    return made(set ? setsockopt(fd, level, option, nullptr, 0) : getsockopt(fd, level, option, nullptr, &length));
  }
  if (!can_make_here(set, level, option)) return {};
  if (set) {
    const socklen_t length = static_cast<socklen_t>(args[4]);
    if (length > kLargestOption) return {};
    std::vector<char> value(length);
    if (!TracedProcesses::read_memory(tid, args[3], value.data(), length)) return {};
    return made(setsockopt(fd, level, option, value.data(), length));
  }
  socklen_t length = 0;
  if (!TracedProcesses::read_memory(tid, args[4], &length, sizeof length) || length > kLargestOption) return {};
  std::vector<char> value(length);
  const socklen_t asked = length;
  Made answer = made(getsockopt(fd, level, option, value.data(), &length));
  if (answer.result == 0 && (!TracedProcesses::write_memory(tid, args[3], value.data(), std::min(asked, length)) ||
                             !TracedProcesses::write_memory(tid, args[4], &length, sizeof length))) {
    return {true, -1, EFAULT};
  }
  return answer;
}

Made make_name_call(const seccomp_notif& call, int fd, bool peer) {
  const pid_t tid = static_cast<pid_t>(call.pid);
  const auto* args = call.data.args;
  socklen_t length = 0;
  if (!TracedProcesses::read_memory(tid, args[2], &length, sizeof length)) return {};
  sockaddr_storage address{};
  const socklen_t asked = length;
  socklen_t given = sizeof address;
  Made answer = made(peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&address), &given)
                          : getsockname(fd, reinterpret_cast<sockaddr*>(&address), &given));
  if (answer.result == 0 && (!TracedProcesses::write_memory(tid, args[1], &address, std::min(asked, given)) ||
                             !TracedProcesses::write_memory(tid, args[2], &given, sizeof given))) {
    return {true, -1, EFAULT};
  }
  return answer;
}

// The send and receive family on a non-socket (on a socket the kernel's own answer is the right
// one and is not recorded: the preload records those calls only when they fail, and no rule is
// about a socket's failure; answer() lets them go on before it gets here). The call fails
// before it looks at its buffers.
Made make_transfer(long number, int fd) {
  switch (number) {
    case SYS_sendto: return made(sendto(fd, nullptr, 0, 0, nullptr, 0));
    case SYS_recvfrom: return made(recvfrom(fd, nullptr, 0, 0, nullptr, nullptr));
    case SYS_sendmsg: return made(sendmsg(fd, nullptr, 0));
    case SYS_recvmsg: return made(recvmsg(fd, nullptr, 0));
    case SYS_sendmmsg: return made(sendmmsg(fd, nullptr, 0, 0));
    case SYS_recvmmsg: return made(recvmmsg(fd, nullptr, 0, 0, nullptr));
    default: return {};
  }
}

bool is_option_call(long number) { return number == SYS_setsockopt || number == SYS_getsockopt; }

bool is_transfer(long number) {
  return number == SYS_sendto || number == SYS_recvfrom || number == SYS_sendmsg || number == SYS_recvmsg ||
         number == SYS_sendmmsg || number == SYS_recvmmsg;
}

bool is_socket(int fd) {
  struct stat status;
  return fstat(fd, &status) == 0 && S_ISSOCK(status.st_mode);
}

}  // namespace

Supervisor::Supervisor(int listener, SupervisorConfig config) : listener_(listener), config_(config) {
  // The filtered thread and this one wake each other on the same CPU (Linux 6.6): a round trip
  // is then a few microseconds. Older kernels refuse the flag and keep the slower wake-up.
  unsigned long long flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
  (void)ioctl(listener_, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags);
}

void Supervisor::record(pid_t pid, const AuditedCall& call) {
  JsonLine line;
  if (!format_audit_line(line, call, pid)) return;
  // One write(2) of a whole line, O_APPEND: this is the file's only writer, and it stays open.
  if (write(config_.record_fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())) return;
  // Said once, as the preload says it: a silent gap would read as "no findings".
  if (!warned_unwritable_) std::fprintf(stderr, "sshtc-syscall-audit: cannot append a record: %s; calls go unrecorded\n",
                                        std::strerror(errno));
  warned_unwritable_ = true;
}

void Supervisor::answer(const seccomp_notif& call, seccomp_notif_resp& response) {
  response.id = call.id;
  response.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  response.val = 0;
  response.error = 0;
  const long number = call.data.nr;
  const char* name = audited_syscall_name(static_cast<int>(number));
  const pid_t pid = processes_.process_of(static_cast<pid_t>(call.pid));
  if (pid < 0) return;
  // An exec replaces the process's maps under the same pid.
  if (number == SYS_execve || number == SYS_execveat) {
    processes_.forget_maps(pid);
    return;
  }
  if (name == nullptr) return;
  const int fd = static_cast<int>(call.data.args[0]);
  const int copy = processes_.copy_descriptor(pid, fd);
  if (copy < 0) return;  // not open there (EBADF) or gone: the kernel says so itself
  UniqueFd local(copy);
  // The hot path of every libc-based client: a send or receive on a socket goes on to the kernel
  // after one fstat, without the full classification.
  if (is_transfer(number) && is_socket(local.get())) return;

  AuditedCall audited;
  audited.call = name;
  audited.fd = fd;
  audited.descriptor = describe_descriptor(local.get(), ::getsockopt);
  audited.transport = pid == config_.launched && config_.transport.contains(fd);
  audited.backend = "syscall";
  // The process may have gone on (a fatal signal) or the call been withdrawn: act only on a call
  // that is still waiting, or the arguments read were somebody else's.
  if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_ID_VALID, &call.id) != 0) return;

  Made outcome;
  if (is_option_call(number)) {
    audited.has_option = true;
    audited.level = static_cast<int>(call.data.args[1]);
    audited.option = static_cast<int>(call.data.args[2]);
    const int emulated = emulated_option_errno(config_.profile, audited.level, audited.descriptor.is_socket(),
                                               audited.descriptor.family);
    if (emulated != 0) {
      audited.emulated = true;
      outcome = {true, -1, emulated};
    } else {
      outcome = make_option_call(call, local.get(), audited.descriptor, number == SYS_setsockopt);
    }
  } else if (number == SYS_shutdown) {
    outcome = made(shutdown(local.get(), static_cast<int>(call.data.args[1])));
  } else if (number == SYS_getpeername || number == SYS_getsockname) {
    outcome = audited.descriptor.is_socket() ? make_name_call(call, local.get(), number == SYS_getpeername)
                                             : made(getpeername(local.get(), nullptr, nullptr));
  } else {
    outcome = make_transfer(number, local.get());
  }
  if (!outcome.made) return;
  audited.result = outcome.result;
  audited.error = outcome.error;
  const TracedProcesses::Origin origin = processes_.origin(pid, call.data.instruction_pointer);
  audited.caller = origin.object.c_str();
  audited.preload_loaded = origin.preload_loaded;
  record(pid, audited);
  response.flags = 0;
  response.val = outcome.result < 0 ? -1 : outcome.result;
  response.error = outcome.result < 0 ? -outcome.error : 0;
}

std::string Supervisor::serve() {
  seccomp_notif_sizes sizes{};
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) {
    return std::string("SECCOMP_GET_NOTIF_SIZES: ") + std::strerror(errno);
  }
  // The kernel's structures may be larger than this build's headers know.
  std::vector<char> call_buffer(std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)));
  std::vector<char> response_buffer(std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp)));
  auto* call = reinterpret_cast<seccomp_notif*>(call_buffer.data());
  auto* response = reinterpret_cast<seccomp_notif_resp*>(response_buffer.data());
  for (;;) {
    pollfd ready{listener_, POLLIN, 0};
    if (poll(&ready, 1, -1) < 0) {
      if (errno == EINTR) continue;
      return std::string("poll: ") + std::strerror(errno);
    }
    // Every filtered process has exited.
    if ((ready.revents & POLLHUP) && !(ready.revents & POLLIN)) return "";
    std::memset(call, 0, call_buffer.size());
    if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_RECV, call) != 0) {
      // ENOENT: the caller went away between the wake-up and the receive.
      if (errno == EINTR || errno == ENOENT) continue;
      return std::string("SECCOMP_IOCTL_NOTIF_RECV: ") + std::strerror(errno);
    }
    std::memset(response, 0, response_buffer.size());
    answer(*call, *response);
    if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_SEND, response) != 0 && errno != ENOENT) {
      return std::string("SECCOMP_IOCTL_NOTIF_SEND: ") + std::strerror(errno);
    }
  }
}

}  // namespace sshtc::audit
