// The libc functions behind the interposers, found once through RTLD_NEXT. The audit's own
// descriptor probes go through these too, so they never show up in the records.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

namespace sshtc::preload::real {

int setsockopt(int fd, int level, int option, const void* value, socklen_t length);
int getsockopt(int fd, int level, int option, void* value, socklen_t* length);
ssize_t recv(int fd, void* buffer, size_t length, int flags);
ssize_t send(int fd, const void* buffer, size_t length, int flags);
ssize_t recvfrom(int fd, void* buffer, size_t length, int flags, sockaddr* from,
                 socklen_t* from_length);
ssize_t sendto(int fd, const void* buffer, size_t length, int flags, const sockaddr* to,
               socklen_t to_length);
ssize_t recvmsg(int fd, msghdr* message, int flags);
ssize_t sendmsg(int fd, const msghdr* message, int flags);
int shutdown(int fd, int how);
int getpeername(int fd, sockaddr* address, socklen_t* length);
int getsockname(int fd, sockaddr* address, socklen_t* length);
// _FORTIFY_SOURCE builds (Debian's libssh, OpenSSH, Python) call these instead of recv and
// recvfrom whenever the buffer size is known at compile time.
ssize_t recv_chk(int fd, void* buffer, size_t length, size_t buffer_size, int flags);
ssize_t recvfrom_chk(int fd, void* buffer, size_t length, size_t buffer_size, int flags,
                     sockaddr* from, socklen_t* from_length);

}  // namespace sshtc::preload::real
