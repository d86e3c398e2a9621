// Adapter contract v1 (see README, "The adapter contract"), for adapters written in C++.
#pragma once

#include <sshtc/exit_codes.hpp>  // kSessionFailed, kCannotDo: the contract's reserved exit codes
#include <initializer_list>
#include <string>

namespace sshtc::adapter {

using sshtc::kCannotDo;
using sshtc::kSessionFailed;

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
  // Ends the adapter with kCannotDo unless the scenario is one of `supported`. Adapters ask
  // first, before they dial or touch a descriptor: the harness's compliance probe asks for a
  // scenario no adapter knows and requires exactly this answer.
  void check_scenario(std::initializer_list<const char*> supported) const;
};

[[noreturn]] void session_failed(const std::string& reason);
[[noreturn]] void cannot_do(const std::string& reason);
// Passes the remote command's output on, exactly.
void write_stdout(const char* data, size_t size);

}  // namespace sshtc::adapter
