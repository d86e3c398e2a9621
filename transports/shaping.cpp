#include "shaping.hpp"

#include <poll.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

namespace sshtc {
namespace {

bool stopping(int stop) {
  pollfd watch{stop, POLLIN, 0};
  return ::poll(&watch, 1, 0) > 0;
}

// Bytes written to `fd` that its reader has not taken yet: SIOCOUTQ for a socket (on AF_UNIX
// the queue empties as the peer reads), FIONREAD for a pipe (either end sees what it holds).
bool unread(int fd, int& bytes) {
  if (::ioctl(fd, SIOCOUTQ, &bytes) == 0) return true;
  return ::ioctl(fd, FIONREAD, &bytes) == 0;
}

// Until the far end has read everything written so far, or `stop`.
bool wait_until_read(int fd, int stop) {
  for (;;) {
    int bytes = 0;
    if (!unread(fd, bytes)) return true;  // nothing to ask: go on unshaped rather than stall
    if (bytes == 0) return true;
    if (stopping(stop)) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool write_shaped(int fd, const char* data, size_t size, const Shaping& shaping, std::mt19937_64& random, int stop) {
  if (shaping.chunk == 0) return write_all(fd, data, size);
  while (size > 0) {
    size_t most = shaping.random_chunks ? std::uniform_int_distribution<size_t>(1, shaping.chunk)(random) : shaping.chunk;
    size_t chunk = std::min(size, most);
    if (!write_all(fd, data, chunk)) return false;
    data += chunk;
    size -= chunk;
    if (shaping.wait_until_read && !wait_until_read(fd, stop)) return false;
    if (shaping.pause.count() > 0) {
      if (stopping(stop)) return false;
      std::this_thread::sleep_for(shaping.pause);
    }
  }
  return true;
}

}  // namespace sshtc
