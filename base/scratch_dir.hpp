// A short private 0700 directory under $TMPDIR (or /tmp), for what must live at a short path
// (an AF_UNIX socket's sun_path holds 108 bytes) or must go when its owner dies (an adapter's
// TMPDIR: an adapter killed at its deadline cleans nothing up). It is removed with its contents
// when the object goes, and by the harness's signal cleanup when the run is interrupted, so a
// Ctrl-C leaves nothing behind in /tmp either. The adapters use it too, for their configs,
// converted keys and offer sockets, away from other users and parallel cases.
#pragma once

#include <filesystem>
#include <string>

namespace sshtc {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);  // "sshtc-unix": /tmp/sshtc-unix-XXXXXX
  ~ScratchDir();
  ScratchDir(ScratchDir&& other) noexcept;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ScratchDir(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int slot_ = -1;  // in the registry the signal cleanup reads
};

// For a signal handler: removes every live scratch directory with async-signal-safe calls.
void remove_scratch_dirs_on_signal();

}  // namespace sshtc
