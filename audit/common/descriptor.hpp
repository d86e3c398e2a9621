// What a file descriptor is: the one classification both audit backends use, so that a call
// seen by the preload and the same call seen by the syscall supervisor are described alike.
// Never cached: descriptor numbers are reused after close.
#pragma once

#include <sys/socket.h>

namespace sshtc::audit {

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

// The getsockopt that looks: the preload passes libc's real one, so that looking is not itself
// an audited call; the supervisor passes ::getsockopt on its copy of the client's descriptor.
using GetSockOpt = int (*)(int fd, int level, int option, void* value, socklen_t* length);

// fstat first, so that only a socket is ever asked for SO_DOMAIN, SO_TYPE and SO_PROTOCOL: the
// syscall backend lets exactly those three queries through unwatched (filter.cpp), and a
// question to a pipe would be a call on a non-socket of the audit's own.
Descriptor describe_descriptor(int fd, GetSockOpt getsockopt);

// The descriptors of the byte stream, from SSHTC_AUDIT_TRANSPORT_FDS ("3", "0,1"): true of
// `fd` in the process that claimed them (the one the harness started).
struct TransportFds {
  int fds[16] = {};
  int count = 0;

  // False, with `count` 0, for anything but up to 16 numbers separated by commas.
  bool parse(const char* list);
  bool contains(int fd) const;
};

}  // namespace sshtc::audit
