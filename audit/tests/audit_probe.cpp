// Makes the socket calls the audit self-test names, on a descriptor the test hands over, so
// that the records come from a real process under the real preload.
//
//   audit_probe <operation> <fd>
//
// Each call prints one line, "<ret> <errno> <strerror>", with errno 0 on success. Exit status
// 0 unless the operation itself detected a problem (errno-preserved, threads-and-fork).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>
#include <vector>

#include "../../base/raw_syscall.hpp"

// glibc's target for recv under _FORTIFY_SOURCE, as in Debian's builds of libssh and OpenSSH.
extern "C" ssize_t __recv_chk(int fd, void* buffer, size_t length, size_t buffer_size, int flags);

namespace {

int report(long long result) {
  const int error = result < 0 ? errno : 0;
  std::printf("%lld %d %s\n", result, error, error != 0 ? std::strerror(error) : "");
  return 0;
}

int set_int(int fd, int level, int option, int value) {
  return setsockopt(fd, level, option, &value, sizeof value);
}

int tcp_nodelay(int fd) { return report(set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1)); }

int raw_tcp_nodelay(int fd) {
  int on = 1;
  return report(sshtc::raw_syscall(SYS_setsockopt, fd, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<long>(&on), sizeof on));
}

// A TCP socket of the probe's own, as a client opens one before it connects: under cwrap's
// socket_wrapper it is really an AF_UNIX socket. Prints the option's answer, then the family
// libc says and the family the kernel says (asked with the syscall instruction, which no
// preload answers). The descriptor argument is not used.
int own_tcp_socket_nodelay(int) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return report(fd);
  report(set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1));
  int said = -1, real = -1;
  socklen_t length = sizeof said;
  getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &said, &length);
  length = sizeof real;
  sshtc::raw_syscall(SYS_getsockopt, fd, SOL_SOCKET, SO_DOMAIN, reinterpret_cast<long>(&real),
                     reinterpret_cast<long>(&length));
  std::printf("family %d, kernel %d\n", said, real);
  return 0;
}

int get_tcp_nodelay(int fd) {
  int value = 0;
  socklen_t length = sizeof value;
  return report(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &length));
}

int ip_tos(int fd) { return report(set_int(fd, IPPROTO_IP, IP_TOS, 0x10)); }

int ipv6_tclass(int fd) { return report(set_int(fd, IPPROTO_IPV6, IPV6_TCLASS, 0x10)); }

int keepalive(int fd) { return report(set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1)); }

int send_byte(int fd) { return report(send(fd, "x", 1, 0)); }

int recv_byte(int fd) {
  char byte;
  return report(recv(fd, &byte, 1, MSG_DONTWAIT));
}

int recv_fortified(int fd) {
  char byte;
  return report(__recv_chk(fd, &byte, 1, sizeof byte, MSG_DONTWAIT));
}

int shutdown_write(int fd) { return report(shutdown(fd, SHUT_WR)); }

int peer_name(int fd) {
  sockaddr_storage address;
  socklen_t length = sizeof address;
  return report(getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length));
}

// A successful audited call must leave the caller's errno alone; a failed one must leave the
// kernel's.
int errno_preserved(int fd) {
  errno = EILSEQ;
  set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
  const int after_success = errno;
  set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  const int after_failure = errno;
  std::printf("after success %d, after failure %d\n", after_success, after_failure);
  return after_success == EILSEQ && after_failure == EOPNOTSUPP ? 0 : 1;
}

// Several threads record at once while the process forks: every line must stay whole, and the
// child must write its own file.
int threads_and_fork(int fd) {
  constexpr int threads = 4;
  constexpr int calls_per_thread = 200;
  constexpr int child_calls = 20;
  std::vector<std::thread> workers;
  for (int index = 0; index < threads; ++index) {
    workers.emplace_back([fd] {
      for (int call = 0; call < calls_per_thread; ++call) set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
    });
  }
  const pid_t child = fork();
  if (child == 0) {
    for (int call = 0; call < child_calls; ++call) set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
    _exit(0);
  }
  for (auto& worker : workers) worker.join();
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) return 1;
  std::printf("%d %d\n", static_cast<int>(getpid()), static_cast<int>(child));
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

struct Operation {
  std::string_view name;
  int (*run)(int fd);
};

constexpr Operation operations[] = {
    {"tcp-nodelay", tcp_nodelay},
    {"raw-tcp-nodelay", raw_tcp_nodelay},
    {"get-tcp-nodelay", get_tcp_nodelay},
    {"own-tcp-socket-nodelay", own_tcp_socket_nodelay},
    {"ip-tos", ip_tos},
    {"ipv6-tclass", ipv6_tclass},
    {"keepalive", keepalive},
    {"send", send_byte},
    {"recv", recv_byte},
    {"recv-fortified", recv_fortified},
    {"shutdown", shutdown_write},
    {"getpeername", peer_name},
    {"errno-preserved", errno_preserved},
    {"threads-and-fork", threads_and_fork},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3) {
    for (const Operation& operation : operations) {
      if (operation.name == argv[1]) return operation.run(std::atoi(argv[2]));
    }
  }
  std::fprintf(stderr, "usage: audit_probe <operation> <fd>; operations:");
  for (const Operation& operation : operations) {
    std::fprintf(stderr, " %.*s", static_cast<int>(operation.name.size()), operation.name.data());
  }
  std::fprintf(stderr, "\n");
  return 2;
}
