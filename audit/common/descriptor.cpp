#include "descriptor.hpp"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace sshtc::audit {
namespace {

int socket_option(int fd, int option, GetSockOpt getsockopt) {
  int value = -1;
  socklen_t length = sizeof value;
  return getsockopt(fd, SOL_SOCKET, option, &value, &length) == 0 ? value : -1;
}

const char* non_socket_kind(const struct stat& status) {
  if (S_ISFIFO(status.st_mode)) return "pipe";
  if (S_ISREG(status.st_mode)) return "file";
  if (S_ISDIR(status.st_mode)) return "dir";
  if (S_ISBLK(status.st_mode)) return "blk";
  return "other";
}

}  // namespace

bool Descriptor::is_socket() const { return std::strcmp(kind, "socket") == 0; }

bool Descriptor::is_inet() const { return family == AF_INET || family == AF_INET6; }

Descriptor describe_descriptor(int fd, GetSockOpt getsockopt) {
  Descriptor descriptor;
  struct stat status;
  if (fstat(fd, &status) != 0) {
    descriptor.kind = errno == EBADF ? "badf" : "other";
    return descriptor;
  }
  if (S_ISCHR(status.st_mode)) {
    termios settings;
    descriptor.kind = ioctl(fd, TCGETS, &settings) == 0 ? "tty" : "chr";
    return descriptor;
  }
  if (!S_ISSOCK(status.st_mode)) {
    descriptor.kind = non_socket_kind(status);
    return descriptor;
  }
  descriptor.kind = "socket";
  descriptor.family = socket_option(fd, SO_DOMAIN, getsockopt);
  descriptor.type = socket_option(fd, SO_TYPE, getsockopt);
  descriptor.protocol = socket_option(fd, SO_PROTOCOL, getsockopt);
  return descriptor;
}

bool TransportFds::parse(const char* list) {
  count = 0;
  if (list == nullptr) return true;
  constexpr int capacity = sizeof fds / sizeof fds[0];
  const char* cursor = list;
  while (*cursor != '\0') {
    char* end = nullptr;
    const long fd = std::strtol(cursor, &end, 10);
    const bool number = end != cursor && fd >= 0 && fd <= INT_MAX && (*end == ',' || *end == '\0');
    if (!number || count == capacity) {
      count = 0;
      return false;
    }
    fds[count++] = static_cast<int>(fd);
    cursor = *end == ',' ? end + 1 : end;
  }
  return true;
}

bool TransportFds::contains(int fd) const {
  for (int index = 0; index < count; ++index) {
    if (fds[index] == fd) return true;
  }
  return false;
}

}  // namespace sshtc::audit
