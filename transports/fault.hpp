// The faults a stream can have in the middle of a session, where the right outcome is a clean
// failure (the client exits 255 with an error; it neither hangs, nor crashes, nor exits 0): the
// variants truncate, garbage and stall put one on the server's side of a bridge. A fault is
// placed in bytes after the end of the server's NEWKEYS, the first encrypted byte being 0, so
// that it hits the session itself and not the key exchange, at an offset drawn by the seed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace sshtc {

struct Fault {
  enum class Kind { None, Cut, Flip, Stall };
  Kind kind = Kind::None;
  size_t first = 0, last = 0;  // the offset after NEWKEYS is drawn from [first, last]
  // Stall: how long the server's side stays silent (its bytes dropped) before the stream is cut.
  std::chrono::milliseconds silence{0};
};

// Finds the end of the first SSH_MSG_NEWKEYS in a server's byte stream: the lines before its
// identification line and that line, then cleartext binary packets (RFC 4253 4.2, 6) up to it.
class NewkeysFinder {
 public:
  static constexpr size_t npos = static_cast<size_t>(-1);
  // Feeds the next bytes; returns the index among them of the first byte after NEWKEYS when it
  // is there, npos otherwise (and always once done).
  size_t feed(const char* data, size_t size);
  bool done() const { return state_ == State::Done; }

 private:
  enum class State { Lines, Length, Body, Done };
  State state_ = State::Lines;
  std::string line_;
  uint32_t length_ = 0;  // the packet's, once its 4 bytes are in
  size_t have_ = 0;      // of the length field, or of the body
  int type_ = -1;        // the packet's message number: its body's second byte
};

}  // namespace sshtc
