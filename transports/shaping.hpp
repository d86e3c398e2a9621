// How a byte pump hands on what it read, one direction at a time: the ways a real tunnel (a
// WebRTC data channel, a slow ProxyCommand, a serial bridge) delivers bytes that a kernel
// socketpair never does. The start of issue 11's shaped transports: each shaping is named
// here, proved by its self-test (selftest/transports_test.cpp), and not yet a matrix column.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sshtc {

struct Shaping {
  std::string name = "clean";
  size_t chunk = 0;                     // at most this many bytes a write; 0: what was read, at once
  std::chrono::microseconds pause{0};  // after each chunk
  // Each chunk is read by the far end before the next is written, so that the reader's every
  // read returns one chunk: a stream socket or a pipe would otherwise join small writes.
  bool wait_until_read = false;
};

// frag1: every byte its own read (paramiko/paramiko#673's kind of reader loop breaks on it).
// drip: 512-byte chunks 2 ms apart, a slow ProxyCommand (paramiko/paramiko#252).
const std::vector<Shaping>& shapings();
std::optional<Shaping> shaping_named(const std::string& name);

// Writes `size` bytes to `fd` as `shaping` says; false when the far end has gone. `stop` is
// polled while it waits, so that a pump being torn down is not held up.
bool write_shaped(int fd, const char* data, size_t size, const Shaping& shaping, int stop);

}  // namespace sshtc
