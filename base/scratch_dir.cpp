#include "scratch_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

namespace sshtc {
namespace {

// Fixed slots, so that the signal handler reads them without locks or allocation.
enum SlotState { kFree, kFilling, kLive };
struct Slot {
  std::atomic<int> state{kFree};
  char path[PATH_MAX];
};
std::array<Slot, 128> registry;

int claim_slot(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (size_t i = 0; i < registry.size(); ++i) {
    int expected = kFree;
    if (!registry[i].state.compare_exchange_strong(expected, kFilling)) continue;
    std::memcpy(registry[i].path, path.c_str(), path.size() + 1);
    registry[i].state = kLive;
    return static_cast<int>(i);
  }
  return -1;  // more live directories than slots: only an interrupted run would leave one
}

void release_slot(int slot) {
  if (slot >= 0) registry[slot].state = kFree;
}

// unlinkat, openat and getdents64 only: safe in a signal handler. Deep enough for what the
// adapters make (their own private directories, holding sockets and configs).
void remove_tree_at(int parent, const char* name, int depth) {
  if (::unlinkat(parent, name, 0) == 0 || depth == 0) return;
  int dir = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0) return;
  alignas(dirent64) char buffer[4096];
  for (ssize_t n; (n = ::getdents64(dir, buffer, sizeof buffer)) > 0;) {
    for (ssize_t at = 0; at < n;) {
      const auto* entry = reinterpret_cast<const dirent64*>(buffer + at);
      at += entry->d_reclen;
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) {
        remove_tree_at(dir, entry->d_name, depth - 1);
      }
    }
  }
  ::close(dir);
  ::unlinkat(parent, name, AT_REMOVEDIR);
}

}  // namespace

ScratchDir::ScratchDir(const std::string& prefix) {
  const char* tmp = ::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  // Made and registered with the interrupting signals held back: one that came in between
  // would find a directory the cleanup does not know.
  sigset_t interrupting, before;
  sigemptyset(&interrupting);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&interrupting, sig);
  ::pthread_sigmask(SIG_BLOCK, &interrupting, &before);
  bool made = ::mkdtemp(pattern.data()) != nullptr;
  int error = errno;
  if (made) slot_ = claim_slot(pattern);
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
  if (!made) throw std::system_error(error, std::generic_category(), "mkdtemp " + pattern);
  path_ = pattern;  // mkdtemp makes it 0700
}

ScratchDir::ScratchDir(ScratchDir&& other) noexcept
    : path_(std::move(other.path_)), slot_(std::exchange(other.slot_, -1)) {
  other.path_.clear();
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
  release_slot(slot_);
}

void remove_scratch_dirs_on_signal() {
  for (Slot& slot : registry) {
    if (slot.state == kLive) remove_tree_at(AT_FDCWD, slot.path, 4);
  }
}

}  // namespace sshtc
