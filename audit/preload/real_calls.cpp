#include "real_calls.hpp"

#include <dlfcn.h>

#include <atomic>
#include <cerrno>

extern "C" ssize_t __recv_chk(int, void*, size_t, size_t, int);
extern "C" ssize_t __recvfrom_chk(int, void*, size_t, size_t, int, sockaddr*, socklen_t*);

namespace sshtc::preload::real {
namespace {

// A lock-free cache: two threads racing on the first call both store the same address, and a
// forked child inherits the resolved pointer, so there is nothing to lock and nothing to reset.
template <typename Function>
class NextSymbol {
 public:
  explicit constexpr NextSymbol(const char* name) : name_(name) {}

  template <typename... Args>
  auto operator()(Args... args) {
    Function* function = function_.load(std::memory_order_acquire);
    if (function == nullptr) {
      function = reinterpret_cast<Function*>(dlsym(RTLD_NEXT, name_));
      function_.store(function, std::memory_order_release);
    }
    if (function == nullptr) {
      errno = ENOSYS;
      return decltype(function(args...))(-1);
    }
    return function(args...);
  }

 private:
  const char* name_;
  std::atomic<Function*> function_{nullptr};
};

NextSymbol<decltype(::setsockopt)> next_setsockopt{"setsockopt"};
NextSymbol<decltype(::getsockopt)> next_getsockopt{"getsockopt"};
NextSymbol<decltype(::recv)> next_recv{"recv"};
NextSymbol<decltype(::send)> next_send{"send"};
NextSymbol<decltype(::recvfrom)> next_recvfrom{"recvfrom"};
NextSymbol<decltype(::sendto)> next_sendto{"sendto"};
NextSymbol<decltype(::recvmsg)> next_recvmsg{"recvmsg"};
NextSymbol<decltype(::sendmsg)> next_sendmsg{"sendmsg"};
NextSymbol<decltype(::shutdown)> next_shutdown{"shutdown"};
NextSymbol<decltype(::getpeername)> next_getpeername{"getpeername"};
NextSymbol<decltype(::getsockname)> next_getsockname{"getsockname"};
NextSymbol<decltype(::__recv_chk)> next_recv_chk{"__recv_chk"};
NextSymbol<decltype(::__recvfrom_chk)> next_recvfrom_chk{"__recvfrom_chk"};

}  // namespace

int setsockopt(int fd, int level, int option, const void* value, socklen_t length) {
  return next_setsockopt(fd, level, option, value, length);
}
int getsockopt(int fd, int level, int option, void* value, socklen_t* length) {
  return next_getsockopt(fd, level, option, value, length);
}
ssize_t recv(int fd, void* buffer, size_t length, int flags) {
  return next_recv(fd, buffer, length, flags);
}
ssize_t send(int fd, const void* buffer, size_t length, int flags) {
  return next_send(fd, buffer, length, flags);
}
ssize_t recvfrom(int fd, void* buffer, size_t length, int flags, sockaddr* from,
                 socklen_t* from_length) {
  return next_recvfrom(fd, buffer, length, flags, from, from_length);
}
ssize_t sendto(int fd, const void* buffer, size_t length, int flags, const sockaddr* to,
               socklen_t to_length) {
  return next_sendto(fd, buffer, length, flags, to, to_length);
}
ssize_t recvmsg(int fd, msghdr* message, int flags) { return next_recvmsg(fd, message, flags); }
ssize_t sendmsg(int fd, const msghdr* message, int flags) {
  return next_sendmsg(fd, message, flags);
}
int shutdown(int fd, int how) { return next_shutdown(fd, how); }
int getpeername(int fd, sockaddr* address, socklen_t* length) {
  return next_getpeername(fd, address, length);
}
int getsockname(int fd, sockaddr* address, socklen_t* length) {
  return next_getsockname(fd, address, length);
}
ssize_t recv_chk(int fd, void* buffer, size_t length, size_t buffer_size, int flags) {
  return next_recv_chk(fd, buffer, length, buffer_size, flags);
}
ssize_t recvfrom_chk(int fd, void* buffer, size_t length, size_t buffer_size, int flags,
                     sockaddr* from, socklen_t* from_length) {
  return next_recvfrom_chk(fd, buffer, length, buffer_size, flags, from, from_length);
}

}  // namespace sshtc::preload::real
