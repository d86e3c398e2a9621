// How a byte pump hands on what it read, one direction at a time: the ways a real tunnel (a
// WebRTC data channel, a slow ProxyCommand, a serial bridge) delivers bytes that a kernel
// socketpair never does. Each is proved by its self-test (selftest/transports_test.cpp); the
// variants (variant.hpp) put them on the matrix's columns.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

namespace sshtc {

struct Shaping {
  std::string name = "clean";
  size_t chunk = 0;  // at most this many bytes a write; 0: what was read, at once
  // Each chunk's size is drawn from [1, chunk] by the pump's seeded generator instead.
  bool random_chunks = false;
  std::chrono::microseconds pause{0};  // after each chunk
  // Each chunk is read by the far end before the next is written, so that the reader's every
  // read returns one chunk: a stream socket or a pipe would otherwise join small writes.
  bool wait_until_read = false;
  // What arrives within this long of the last bytes is held back and written with them, in
  // one write: a reader gets in one read what the sender wrote apart (a server's
  // identification line and its KEXINIT, as in paramiko/paramiko#673).
  std::chrono::milliseconds gather{0};
  // The first bytes (the server's identification line) are held until more follow (its
  // KEXINIT, once the client's line has reached it), for at most this long: a client that waits
  // for the server's line before it sends its own costs the wait, every other gets both at once.
  std::chrono::milliseconds hold_first{0};
  // Once the far end has gone, what still comes is read and dropped, not refused: the sender
  // sees EOF on its reading side while its writes still succeed, a half-closed stream.
  bool drain_after_far_end_closes = false;

  bool clean() const {
    return chunk == 0 && pause.count() == 0 && gather.count() == 0 && hold_first.count() == 0 &&
           !drain_after_far_end_closes;
  }
};

// Writes `size` bytes to `fd` as `shaping` says, drawing from `random` where it is random;
// false when the far end has gone. `stop` is polled while it waits, so that a pump being
// torn down is not held up.
bool write_shaped(int fd, const char* data, size_t size, const Shaping& shaping, std::mt19937_64& random, int stop);

}  // namespace sshtc
