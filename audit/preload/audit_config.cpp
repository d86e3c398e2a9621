#include "audit_config.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sshtc::preload {
namespace {

enum State { unread, reading, ready_on, ready_off };

// No mutex and no pthread_once: a fork while another thread held either would leave the child
// blocked forever. The only contention is two threads making the very first call at once, and
// the loser forwards that one call unaudited.
std::atomic<int> state{unread};
AuditConfig config;

void warn(const char* variable, const char* value, const char* accepted) {
  const char* parts[] = {"sshtc_audit: ignoring ", variable, "=", value, "; accepted: ",
                         accepted, "\n"};
  for (const char* part : parts) {
    if (write(STDERR_FILENO, part, std::strlen(part)) < 0) return;
  }
}

void read_transport_fds(const char* list) {
  if (!config.transport.parse(list)) {
    warn("SSHTC_AUDIT_TRANSPORT_FDS", list, "up to 16 descriptor numbers separated by commas");
  }
}

void read_profile(const char* name) {
  if (!audit::parse_errno_profile(name, &config.profile)) {
    warn("SSHTC_ERRNO_PROFILE", name, "openbsd, freebsd, macos, wsl1");
  }
}

bool read_environment() {
  const char* directory = std::getenv("SSHTC_AUDIT_DIR");
  if (directory == nullptr || *directory == '\0' ||
      std::strlen(directory) >= sizeof config.directory) {
    return false;
  }
  // Copied because the process may rewrite its environment after we looked.
  std::strcpy(config.directory, directory);
  // The transport's descriptors are those of the process the harness started. A program it
  // runs in turn (ssh's ProxyCommand shell) has other descriptors under the same numbers, so
  // the first audited process claims the list for its pid; an exec keeps the pid, and the claim.
  const char* owner = std::getenv("SSHTC_AUDIT_TRANSPORT_PID");
  const long pid = static_cast<long>(getpid());
  if (owner == nullptr) {
    char text[24];
    std::snprintf(text, sizeof text, "%ld", pid);
    setenv("SSHTC_AUDIT_TRANSPORT_PID", text, 0);
  }
  if (owner == nullptr || std::strtol(owner, nullptr, 10) == pid) {
    read_transport_fds(std::getenv("SSHTC_AUDIT_TRANSPORT_FDS"));
  }
  read_profile(std::getenv("SSHTC_ERRNO_PROFILE"));
  return true;
}

// Reading at load time, while the process is still single-threaded, makes the race above
// practically impossible; the lazy path covers calls made by constructors that run before ours.
__attribute__((constructor)) void read_at_load() { audit_config(); }

}  // namespace

const AuditConfig* audit_config() {
  int current = state.load(std::memory_order_acquire);
  if (current == unread && state.compare_exchange_strong(current, reading)) {
    current = read_environment() ? ready_on : ready_off;
    state.store(current, std::memory_order_release);
  }
  return current == ready_on ? &config : nullptr;
}

}  // namespace sshtc::preload
