#include "descriptor.hpp"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>

#include <cerrno>
#include <cstring>

#include "real_calls.hpp"

namespace sshtc::preload {
namespace {

int socket_option(int fd, int option) {
  int value = -1;
  socklen_t length = sizeof value;
  return real::getsockopt(fd, SOL_SOCKET, option, &value, &length) == 0 ? value : -1;
}

const char* non_socket_kind(int fd) {
  struct stat status;
  if (fstat(fd, &status) != 0) return errno == EBADF ? "badf" : "other";
  if (S_ISFIFO(status.st_mode)) return "pipe";
  if (S_ISREG(status.st_mode)) return "file";
  if (S_ISDIR(status.st_mode)) return "dir";
  if (S_ISBLK(status.st_mode)) return "blk";
  if (S_ISCHR(status.st_mode)) {
    termios settings;
    return ioctl(fd, TCGETS, &settings) == 0 ? "tty" : "chr";
  }
  return "other";
}

}  // namespace

bool Descriptor::is_socket() const { return std::strcmp(kind, "socket") == 0; }

bool Descriptor::is_inet() const { return family == AF_INET || family == AF_INET6; }

Descriptor describe_descriptor(int fd) {
  Descriptor descriptor;
  descriptor.family = socket_option(fd, SO_DOMAIN);
  if (descriptor.family < 0) {
    descriptor.kind = non_socket_kind(fd);
    return descriptor;
  }
  descriptor.kind = "socket";
  descriptor.type = socket_option(fd, SO_TYPE);
  descriptor.protocol = socket_option(fd, SO_PROTOCOL);
  return descriptor;
}

}  // namespace sshtc::preload
