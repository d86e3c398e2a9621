// The exported socket calls. Each forwards to libc and, when SSHTC_AUDIT_DIR is set, records
// the call; the caller sees the same result and errno as without the library, except where an
// errno profile answers in the kernel's place.
#include <cerrno>

#include "audit_config.hpp"
#include "audit_log.hpp"
#include "../common/descriptor.hpp"
#include "real_calls.hpp"

namespace sshtc::preload {
namespace {

// Set while this thread is inside the audit, so anything the audit itself calls is forwarded
// untouched. initial-exec: no __tls_get_addr, which may allocate, on the path of every call.
thread_local bool inside_audit __attribute__((tls_model("initial-exec"))) = false;

// The configuration while this thread is auditing one call, or null when it must only forward.
class AuditScope {
 public:
  AuditScope() : config_(inside_audit ? nullptr : audit_config()) {
    if (config_ != nullptr) inside_audit = true;
  }
  ~AuditScope() {
    if (config_ != nullptr) inside_audit = false;
  }
  AuditScope(const AuditScope&) = delete;
  AuditScope& operator=(const AuditScope&) = delete;

  const AuditConfig* config() const { return config_; }

 private:
  const AuditConfig* config_;
};

using audit::AuditedCall;

// The caller's address travels beside the call: it must be taken in the exported function.
struct Call {
  AuditedCall call;
  const void* return_address;
};

Call plain_call(const char* name, int fd, const void* return_address) {
  AuditedCall call;
  call.call = name;
  call.fd = fd;
  return {call, return_address};
}

Call option_call(const char* name, int fd, int level, int option, const void* return_address) {
  Call made = plain_call(name, fd, return_address);
  AuditedCall& call = made.call;
  call.has_option = true;
  call.level = level;
  call.option = option;
  return made;
}

audit::Descriptor describe(int fd) { return audit::describe_descriptor(fd, real::getsockopt); }

// For calls that are always recorded: setsockopt, getsockopt, shutdown, getpeername,
// getsockname. `call` names the call and its option; `forward` makes the real call.
template <typename Forward>
auto audited(Call made, Forward forward) {
  AuditScope scope;
  if (scope.config() == nullptr) return forward();
  AuditedCall& call = made.call;
  const int caller_errno = errno;
  call.descriptor = describe(call.fd);
  const int emulated_errno =
      call.has_option ? audit::emulated_option_errno(scope.config()->profile, call.level,
                                              call.descriptor.is_socket(), call.descriptor.family)
                      : 0;
  decltype(forward()) result = -1;
  if (emulated_errno != 0) {
    call.emulated = true;
    errno = emulated_errno;
  } else {
    errno = caller_errno;
    result = forward();
  }
  const int result_errno = errno;
  call.result = result;
  call.error = result < 0 ? result_errno : 0;
  write_audit_record(*scope.config(), call, made.return_address);
  errno = result_errno;
  return result;
}

// For the send and receive family, which are on every connection's hot path: only a failure
// is recorded, and a success needs no look at the descriptor, since these calls succeed on
// sockets only. EAGAIN and EINTR are the normal flow of a non-blocking or interrupted socket,
// not a transport assumption.
template <typename Result>
Result after_transfer(const char* name, int fd, Result result, const void* return_address) {
  if (result >= 0) return result;
  const int result_errno = errno;
  if (result_errno == EAGAIN || result_errno == EINTR) return result;
  AuditScope scope;
  if (scope.config() == nullptr) return result;
  Call made = plain_call(name, fd, return_address);
  made.call.descriptor = describe(fd);
  made.call.result = result;
  made.call.error = result_errno;
  write_audit_record(*scope.config(), made.call, made.return_address);
  errno = result_errno;
  return result;
}

}  // namespace
}  // namespace sshtc::preload

using sshtc::preload::after_transfer;
using sshtc::preload::audited;
using sshtc::preload::option_call;
using sshtc::preload::plain_call;
namespace real = sshtc::preload::real;

// __builtin_return_address(0) must be taken here, in the exported function itself: it is the
// address inside the library that called us.
#define SSHTC_INTERPOSER extern "C" __attribute__((visibility("default")))
#define SSHTC_CALLER __builtin_return_address(0)

SSHTC_INTERPOSER int setsockopt(int fd, int level, int option, const void* value,
                                socklen_t length) noexcept {
  return audited(option_call("setsockopt", fd, level, option, SSHTC_CALLER),
                 [&] { return real::setsockopt(fd, level, option, value, length); });
}

SSHTC_INTERPOSER int getsockopt(int fd, int level, int option, void* value,
                                socklen_t* length) noexcept {
  return audited(option_call("getsockopt", fd, level, option, SSHTC_CALLER),
                 [&] { return real::getsockopt(fd, level, option, value, length); });
}

SSHTC_INTERPOSER int shutdown(int fd, int how) noexcept {
  return audited(plain_call("shutdown", fd, SSHTC_CALLER),
                 [&] { return real::shutdown(fd, how); });
}

SSHTC_INTERPOSER int getpeername(int fd, sockaddr* address, socklen_t* length) noexcept {
  return audited(plain_call("getpeername", fd, SSHTC_CALLER),
                 [&] { return real::getpeername(fd, address, length); });
}

SSHTC_INTERPOSER int getsockname(int fd, sockaddr* address, socklen_t* length) noexcept {
  return audited(plain_call("getsockname", fd, SSHTC_CALLER),
                 [&] { return real::getsockname(fd, address, length); });
}

SSHTC_INTERPOSER ssize_t recv(int fd, void* buffer, size_t length, int flags) {
  return after_transfer("recv", fd, real::recv(fd, buffer, length, flags), SSHTC_CALLER);
}

SSHTC_INTERPOSER ssize_t send(int fd, const void* buffer, size_t length, int flags) {
  return after_transfer("send", fd, real::send(fd, buffer, length, flags), SSHTC_CALLER);
}

SSHTC_INTERPOSER ssize_t recvfrom(int fd, void* buffer, size_t length, int flags,
                                  sockaddr* from, socklen_t* from_length) {
  return after_transfer("recvfrom", fd,
                        real::recvfrom(fd, buffer, length, flags, from, from_length),
                        SSHTC_CALLER);
}

SSHTC_INTERPOSER ssize_t sendto(int fd, const void* buffer, size_t length, int flags,
                                const sockaddr* to, socklen_t to_length) {
  return after_transfer("sendto", fd, real::sendto(fd, buffer, length, flags, to, to_length),
                        SSHTC_CALLER);
}

SSHTC_INTERPOSER ssize_t recvmsg(int fd, msghdr* message, int flags) {
  return after_transfer("recvmsg", fd, real::recvmsg(fd, message, flags), SSHTC_CALLER);
}

SSHTC_INTERPOSER ssize_t sendmsg(int fd, const msghdr* message, int flags) {
  return after_transfer("sendmsg", fd, real::sendmsg(fd, message, flags), SSHTC_CALLER);
}

// Recorded under the names the caller's source code used.
SSHTC_INTERPOSER ssize_t __recv_chk(int fd, void* buffer, size_t length, size_t buffer_size,
                                    int flags) {
  return after_transfer("recv", fd, real::recv_chk(fd, buffer, length, buffer_size, flags),
                        SSHTC_CALLER);
}

SSHTC_INTERPOSER ssize_t __recvfrom_chk(int fd, void* buffer, size_t length, size_t buffer_size,
                                        int flags, sockaddr* from, socklen_t* from_length) {
  return after_transfer(
      "recvfrom", fd,
      real::recvfrom_chk(fd, buffer, length, buffer_size, flags, from, from_length),
      SSHTC_CALLER);
}
