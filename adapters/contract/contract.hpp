// Adapter contract v1 (see README, "The adapter contract"), for adapters written in C++, and
// what contract v2's scenarios (stdin, sftp, forward) need of every C++ client adapter.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/types.h>

#include <sshtc/exit_codes.hpp>  // kSessionFailed, kCannotDo: the contract's reserved exit codes
#include <initializer_list>
#include <string>
#include <vector>

namespace sshtc::adapter {

using sshtc::kCannotDo;
using sshtc::kSessionFailed;

// Scenario sftp: upload put_local to put_remote (SSHTC_SFTP_PUT=LOCAL:REMOTE), then download
// get_remote to get_local (SSHTC_SFTP_GET=REMOTE:LOCAL).
struct SftpPlan {
  std::string put_local;
  std::string put_remote;
  std::string get_remote;
  std::string get_local;
};

// Scenario forward: a direct-tcpip channel to host:port (SSHTC_FORWARD_HOST, _PORT), or, when
// `path` is set (SSHTC_FORWARD_PATH), a direct-streamlocal@openssh.com channel to that path.
struct ForwardTarget {
  std::string host;
  int port = 0;
  std::string path;
  bool is_unix() const { return !path.empty(); }
  std::string describe() const;  // "host:port" or "unix:path", for the reasons
};

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
  SftpPlan sftp;          // scenario sftp only
  ForwardTarget forward;  // scenario forward only

  // Reads SSHTC_*; a missing required variable ends the adapter with kSessionFailed.
  static Contract from_environment();
  // Ends the adapter with kCannotDo unless the scenario is one of `supported`. Adapters ask
  // first, before they dial or touch a descriptor: the harness's compliance probe asks for a
  // scenario no adapter knows and requires exactly this answer. A scenario accepted that has
  // variables of its own (sftp, forward) has them read here, into `sftp` or `forward`: only
  // then, so that a scenario refused is refused with 89 whatever its variables say; a missing
  // or malformed one ends the adapter with kSessionFailed.
  void check_scenario(std::initializer_list<const char*> supported);
};

[[noreturn]] void session_failed(const std::string& reason);
[[noreturn]] void cannot_do(const std::string& reason);
// Passes the remote command's output on, exactly.
void write_stdout(const char* data, size_t size);
// Passes the remote command's stderr on, exactly, apart from its stdout (contract v2).
void write_stderr(const char* data, size_t size);

// Local files of the sftp scenario; each failure ends the adapter with kSessionFailed, naming
// `path` and the errno.
int open_local(const std::string& path, int flags);
size_t read_local(int fd, char* buffer, size_t size, const std::string& path);
void write_local(int fd, const char* data, size_t size, const std::string& path);
void close_local(int fd, const std::string& path);
// The download half of the sftp scenario, whatever the library: `read_remote(buffer, size)`
// reads as sftp_read does (bytes, 0 at the end, below 0 on an error) into a new local file at
// `path`. False when the read failed; the caller names the library's error.
template <typename ReadRemote>
bool download_to_local(const std::string& path, ReadRemote read_remote) {
  int local = open_local(path, O_WRONLY | O_CREAT | O_TRUNC);
  char buffer[32768];
  long got;
  while ((got = static_cast<long>(read_remote(buffer, sizeof buffer))) > 0) {
    write_local(local, buffer, static_cast<size_t>(got), path);
  }
  close_local(local, path);
  return got == 0;
}
// The name of an SFTP status code (SSH_FX_*, draft-ietf-secsh-filexfer-02 section 7, the
// protocol version both libraries speak), for the one-line reasons.
std::string sftp_status_name(unsigned long code);

// poll(), again after EINTR; a failure ends the adapter with kSessionFailed.
void wait_for(std::vector<pollfd>& fds, int timeout_ms);

// The adapter's stdin on its way into a channel (scenarios stdin and forward). It is read
// again only once the channel has taken everything read before, so that the channel's window
// (the remote's pace), not the adapter's memory, bounds what waits; and it may never end
// (/dev/zero) without harm.
class PendingInput {
 public:
  // fd -1: no input at all (scenario exec), at its end from the start.
  explicit PendingInput(int fd);
  // Poll this for POLLIN before fill(); -1 when nothing is to be read now.
  int wanted_fd() const { return at_eof_ || size() > 0 ? -1 : fd_; }
  // One read(): more data, or the input's end; a failure ends the adapter.
  void fill();
  const char* data() const { return pending_.data() + offset_; }
  size_t size() const { return pending_.size() - offset_; }
  void consume(size_t n);
  // The input ended and the channel has all of it: time for the channel's EOF.
  bool ended() const { return at_eof_ && size() == 0; }

 private:
  int fd_;
  bool at_eof_;
  std::string pending_;
  size_t offset_ = 0;
};

}  // namespace sshtc::adapter
