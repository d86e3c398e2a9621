// What the forward scenario's channels reach: an echo service on loopback TCP or on an AF_UNIX
// path, run by the case itself for the length of its session. It sends back every byte it
// reads, and when its peer half-closes it half-closes too, so the end of the stream comes back
// as well as its bytes.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "../base/scratch_dir.hpp"
#include "../base/unique_fd.hpp"

namespace sshtc {

class EchoService {
 public:
  static std::unique_ptr<EchoService> on_loopback_tcp();  // 127.0.0.1, a port the kernel picks
  // echo.sock in a short private directory of its own: a case directory's path can be longer
  // than sun_path's 108 bytes.
  static std::unique_ptr<EchoService> on_unix_socket();
  EchoService(EchoService&&) = delete;  // its thread holds `this`
  ~EchoService();  // stops accepting and ends the connections it serves

  int port() const { return port_; }
  const std::filesystem::path& path() const { return path_; }
  // "127.0.0.1:40123", "/…/echo.sock": where the channel goes, in messages.
  std::string address() const;
  // What it has echoed so far, over every connection, and how many it accepted.
  uint64_t echoed() const { return echoed_; }
  int connections() const { return connections_; }

 private:
  EchoService(UniqueFd listener, int port, std::filesystem::path path, std::unique_ptr<ScratchDir> dir);
  void serve();
  void echo(int fd);

  UniqueFd listener_;
  UniqueFd stop_read_, stop_write_;  // the destructor's word to the serving thread
  int port_ = 0;
  std::filesystem::path path_;
  std::unique_ptr<ScratchDir> dir_;  // the unix socket's, removed last
  std::atomic<uint64_t> echoed_{0};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace sshtc
