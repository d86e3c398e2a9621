// Offers a transport's descriptors to a proxy command that cannot inherit them: OpenSSH's ssh
// closes every descriptor above 2 when it starts (closefrom in ssh.c main), so the
// ProxyCommand it spawns never sees ours. The offer listens on an AF_UNIX socket in a private
// 0700 directory (only this user can reach it), accepts one connection before a deadline, and
// sends the descriptors with SCM_RIGHTS; sshtc-fd-relay is the other end.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "../../base/scratch_dir.hpp"

namespace sshtc::proxy {

class FdOffer {
 public:
  // Takes ownership of `in` and `out` (equal for a socket) and starts serving on a thread.
  // Throws std::system_error when the socket cannot be set up.
  FdOffer(int in, int out, std::chrono::milliseconds deadline);
  ~FdOffer();
  FdOffer(const FdOffer&) = delete;
  FdOffer& operator=(const FdOffer&) = delete;

  // The shell command that fetches the descriptors: sshtc-fd-relay PATH --pass|--pump.
  enum class RelayMode { kPass, kPump };
  std::string relay_command(RelayMode mode) const;
  // Stops waiting and closes the descriptors: after this only the proxy holds them, so a pipe's
  // reader sees EOF when the proxy closes. Returns why they were not sent, or "" if they were.
  std::string finish();

 private:
  void serve(std::chrono::steady_clock::time_point deadline);

  ScratchDir dir_;
  std::string path_;
  int listener_ = -1;
  int stop_ = -1;  // an eventfd, readable once finish() is called
  std::vector<int> fds_;
  std::string failure_;
  std::thread thread_;
};

}  // namespace sshtc::proxy
