#include "byte_pump.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace sshtc {
namespace {

UniqueFd own(int fd, int same_as) { return UniqueFd(fd == same_as ? -1 : fd); }

// Passes EOF on: a socket is half-closed, a pipe's write end is left to the owner's close.
void signal_eof(int fd) { ::shutdown(fd, SHUT_WR); }

}  // namespace

BytePump::BytePump(StreamEnds left, StreamEnds right, Shaping to_right, Shaping to_left, uint64_t seed)
    : left_in_(left.in),
      left_out_(own(left.out, left.in)),
      right_in_(right.in),
      right_out_(own(right.out, right.in)),
      stop_(check_sys(::eventfd(0, EFD_CLOEXEC), "eventfd")) {
  int left_out = left_out_ ? left_out_.get() : left_in_.get();
  int right_out = right_out_ ? right_out_.get() : right_in_.get();
  // Each direction its own generator, so that one direction's chunks do not depend on the
  // other's timing.
  left_to_right_ = std::thread([this, right_out, to_right, seed] { copy(left_in_.get(), right_out, to_right, seed); });
  right_to_left_ = std::thread([this, left_out, to_left, seed] { copy(right_in_.get(), left_out, to_left, ~seed); });
}

BytePump::~BytePump() {
  uint64_t one = 1;
  (void)!::write(stop_.get(), &one, sizeof one);
  left_to_right_.join();
  right_to_left_.join();
}

ssize_t BytePump::gather(int from, char* buffer, size_t size, const Shaping& shaping, bool first) {
  ssize_t got = ::read(from, buffer, size);
  auto window = first && shaping.hold_first.count() > 0 ? shaping.hold_first : shaping.gather;
  if (got <= 0 || window.count() == 0) return got;
  size_t held = static_cast<size_t>(got);
  pollfd watch[2] = {{from, POLLIN, 0}, {stop_.get(), POLLIN, 0}};
  while (held < size) {
    int ready = ::poll(watch, 2, static_cast<int>(window.count()));
    window = shaping.gather;  // after the first bytes that followed, the usual window
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0 || watch[1].revents || !(watch[0].revents & (POLLIN | POLLHUP))) break;  // quiet
    ssize_t more = ::read(from, buffer + held, size - held);
    if (more < 0 && errno == EINTR) continue;
    if (more <= 0) break;  // EOF after what is held: it goes first, the EOF on the next read
    held += static_cast<size_t>(more);
  }
  return static_cast<ssize_t>(held);
}

void BytePump::copy(int from, int to, const Shaping& shaping, uint64_t seed) {
  std::mt19937_64 random(seed);
  char buffer[64 * 1024];
  pollfd watch[2] = {{from, POLLIN, 0}, {stop_.get(), POLLIN, 0}};
  bool far_end_gone = false, first = true;
  for (;;) {
    if (::poll(watch, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (watch[1].revents) return;
    ssize_t n = gather(from, buffer, sizeof buffer, shaping, first);
    first = false;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (far_end_gone) continue;  // drained
    if (!write_shaped(to, buffer, static_cast<size_t>(n), shaping, random, stop_.get())) {
      if (!shaping.drain_after_far_end_closes) break;
      far_end_gone = true;
    }
  }
  signal_eof(to);
  // A pipe has no half-close: only closing its write end tells the reader EOF. Each
  // direction's thread touches only its own destination.
  if (right_out_.get() == to) right_out_.reset();
  if (left_out_.get() == to) left_out_.reset();
}

}  // namespace sshtc
