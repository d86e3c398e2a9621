// Adapter contract v1 (see README, "The adapter contract"), for adapters written in C++.
#pragma once

#include <string>

namespace sshtc::adapter {

// Exit codes the harness understands besides the remote command's own status.
constexpr int kSessionFailed = 255;  // connect, host key, auth, protocol: reason on stderr
constexpr int kCannotDoThis = 89;    // this adapter cannot do this transport or scenario

struct Contract {
  std::string transport;
  int fd_in = -1;  // -1: connect to host:port yourself
  int fd_out = -1;
  std::string host;
  int port = 22;
  std::string unix_path;
  std::string user;
  std::string identity;
  std::string known_hosts;
  std::string scenario;
  std::string command;

  // Reads SSHTC_*; a missing required variable ends the adapter with kSessionFailed.
  static Contract from_environment();
};

[[noreturn]] void session_failed(const std::string& reason);
[[noreturn]] void cannot_do(const std::string& reason);
// Passes the remote command's output on, exactly.
void write_stdout(const char* data, size_t size);

}  // namespace sshtc::adapter
