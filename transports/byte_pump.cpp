#include "byte_pump.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <random>

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
      stop_(check_sys(::eventfd(0, EFD_CLOEXEC), "eventfd")),
      cut_(check_sys(::eventfd(0, EFD_CLOEXEC), "eventfd")) {
  int left_out = left_out_ ? left_out_.get() : left_in_.get();
  int right_out = right_out_ ? right_out_.get() : right_in_.get();
  // A pipe pair's read end is the direction's own to close; a socket is shut for reading.
  Direction to_right_side{left_in_.get(), right_out, left_out_ ? &left_in_ : nullptr};
  Direction to_left_side{right_in_.get(), left_out, right_out_ ? &right_in_ : nullptr};
  // Each direction its own generator, so that one direction's chunks do not depend on the
  // other's timing.
  left_to_right_ = std::thread([this, to_right_side, to_right, seed] { copy(to_right_side, to_right, seed); });
  right_to_left_ = std::thread([this, to_left_side, to_left, seed] { copy(to_left_side, to_left, ~seed); });
}

BytePump::~BytePump() {
  uint64_t one = 1;
  (void)!::write(stop_.get(), &one, sizeof one);
  left_to_right_.join();
  right_to_left_.join();
}

std::string BytePump::fault_report() const {
  std::lock_guard<std::mutex> lock(report_mutex_);
  return fault_report_;
}

void BytePump::report(std::string what) {
  std::lock_guard<std::mutex> lock(report_mutex_);
  fault_report_ = std::move(what);
}

void BytePump::cut() {
  uint64_t one = 1;
  (void)!::write(cut_.get(), &one, sizeof one);
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

size_t BytePump::apply_fault(char* data, size_t size, const Shaping& shaping, NewkeysFinder& finder,
                             uint64_t& after, size_t target, uint8_t mask) {
  size_t start = 0;  // of the bytes after NEWKEYS in this read
  if (!finder.done()) {
    start = finder.feed(data, size);
    if (start == NewkeysFinder::npos) return size;
  }
  size_t here = size - start;
  if (target >= after + here) {
    after += here;
    return size;
  }
  size_t at = start + (target - after);
  after = target + 1;
  std::string where = std::to_string(target) + " bytes after the server's NEWKEYS";
  switch (shaping.fault.kind) {
    case Fault::Kind::Flip: {
      char was = data[at];
      data[at] = static_cast<char>(data[at] ^ mask);
      char text[96];
      std::snprintf(text, sizeof text, "the byte %s was flipped (0x%02x to 0x%02x)", where.c_str(),
                    static_cast<unsigned char>(was), static_cast<unsigned char>(data[at]));
      report(text);
      return size;
    }
    case Fault::Kind::Cut:
      report("the stream was cut " + where);
      return at;
    case Fault::Kind::Stall:
      report("the server's side went silent " + where + ", and " +
             std::to_string(shaping.fault.silence.count()) + " ms later the stream was cut");
      return at;
    case Fault::Kind::None:
      break;
  }
  return size;
}

bool BytePump::drop_for(int from, std::chrono::milliseconds silence) {
  char buffer[64 * 1024];
  auto until = std::chrono::steady_clock::now() + silence;
  pollfd watch[2] = {{from, POLLIN, 0}, {stop_.get(), POLLIN, 0}};
  for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count());
    if (::poll(watch, 2, std::max(left, 1)) < 0 && errno != EINTR) break;
    if (watch[1].revents) return false;
    // The far end's EOF ends the silence early: there is nothing left to drop.
    if ((watch[0].revents & (POLLIN | POLLHUP)) && ::read(from, buffer, sizeof buffer) <= 0) break;
  }
  return true;
}

void BytePump::copy(Direction direction, const Shaping& shaping, uint64_t seed) {
  std::mt19937_64 random(seed);
  const Fault& fault = shaping.fault;
  const size_t target =
      fault.kind == Fault::Kind::None ? 0 : std::uniform_int_distribution<size_t>(fault.first, fault.last)(random);
  const auto mask = static_cast<uint8_t>(std::uniform_int_distribution<int>(1, 255)(random));
  NewkeysFinder finder;
  uint64_t after_newkeys = 0;
  bool faulted = fault.kind == Fault::Kind::None;
  char buffer[64 * 1024];
  pollfd watch[3] = {{direction.from, POLLIN, 0}, {stop_.get(), POLLIN, 0}, {cut_.get(), POLLIN, 0}};
  bool far_end_gone = false, first = true, cut_here = false;
  for (;;) {
    if (::poll(watch, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (watch[1].revents) return;
    if (watch[2].revents) {
      cut_here = true;  // the other direction cut the stream: this one ends with it
      break;
    }
    ssize_t n = gather(direction.from, buffer, sizeof buffer, shaping, first);
    first = false;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (far_end_gone) continue;  // drained
    size_t passes = static_cast<size_t>(n);
    if (!faulted) {
      passes = apply_fault(buffer, passes, shaping, finder, after_newkeys, target, mask);
      faulted = !fault_report().empty();
    }
    if (!write_shaped(direction.to, buffer, passes, shaping, random, stop_.get())) {
      if (!shaping.drain_after_far_end_closes) break;
      far_end_gone = true;
    }
    if (passes < static_cast<size_t>(n)) {  // a cut or a stall, here
      if (fault.kind == Fault::Kind::Stall && !drop_for(direction.from, fault.silence)) return;
      cut();
      cut_here = true;
      break;
    }
  }
  signal_eof(direction.to);
  // A pipe has no half-close: only closing its write end tells the reader EOF. Each
  // direction's thread touches only its own destination.
  if (right_out_.get() == direction.to) right_out_.reset();
  if (left_out_.get() == direction.to) left_out_.reset();
  if (cut_here) {
    // Cut, the stream takes nothing more either: the writer's next write fails (EPIPE).
    if (direction.owns_from) {
      direction.owns_from->reset();
    } else {
      ::shutdown(direction.from, SHUT_RD);
    }
  }
}

}  // namespace sshtc
