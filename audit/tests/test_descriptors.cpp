#include "test_descriptors.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace sshtc::audit_test {
namespace {

int check(int result, const char* what) {
  if (result < 0) throw std::system_error(errno, std::generic_category(), what);
  return result;
}

}  // namespace

TestDescriptors::~TestDescriptors() {
  for (int fd : fds_) close(fd);
}

int TestDescriptors::keep(int fd) {
  fds_.push_back(fd);
  return fd;
}

int TestDescriptors::unix_stream() {
  int ends[2];
  check(socketpair(AF_UNIX, SOCK_STREAM, 0, ends), "socketpair");
  keep(ends[1]);
  return keep(ends[0]);
}

int TestDescriptors::pipe_write_end() {
  int ends[2];
  check(pipe(ends), "pipe");
  keep(ends[0]);
  return keep(ends[1]);
}

int TestDescriptors::tcp4() { return loopback_client(0); }

int TestDescriptors::mptcp4() { return loopback_client(IPPROTO_MPTCP); }

int TestDescriptors::loopback_client(int protocol) {
  const int listener = keep(check(socket(AF_INET, SOCK_STREAM, protocol), "socket"));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  check(bind(listener, generic, length), "bind");
  check(listen(listener, 1), "listen");
  check(getsockname(listener, generic, &length), "getsockname");
  const int client = keep(check(socket(AF_INET, SOCK_STREAM, protocol), "socket"));
  check(connect(client, generic, length), "connect");
  keep(check(accept(listener, nullptr, nullptr), "accept"));
  return client;
}

int TestDescriptors::pty_master() {
  const int master = keep(check(posix_openpt(O_RDWR | O_NOCTTY), "posix_openpt"));
  check(grantpt(master), "grantpt");
  check(unlockpt(master), "unlockpt");
  return master;
}

}  // namespace sshtc::audit_test
