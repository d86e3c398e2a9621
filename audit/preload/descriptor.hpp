// What a file descriptor is, found with the real getsockopt and fstat so that looking does
// not itself become an audited call. Never cached: descriptor numbers are reused after close.
#pragma once

namespace sshtc::preload {

struct Descriptor {
  // "socket", "pipe", "tty", "chr", "file", "dir", "blk", "badf" (not open) or "other".
  const char* kind = "other";
  // Sockets only; -1 otherwise.
  int family = -1;
  int type = -1;
  int protocol = -1;

  bool is_socket() const;
  bool is_inet() const;
};

Descriptor describe_descriptor(int fd);

}  // namespace sshtc::preload
