// One socket call seen by the sshtc_audit preload, as written to <dir>/audit.<pid>.jsonl.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sshtc {

struct AuditRecord {
  long long pid = 0;
  int fd = -1;
  // "socket", "pipe", "tty", "chr", "file", "dir", "blk", "badf" (not open) or "other".
  std::string kind;
  // Sockets only, by name ("AF_UNIX", "SOCK_STREAM", "IPPROTO_TCP") or else the number
  // ("0" for the protocol of an AF_UNIX socket); empty for non-sockets.
  std::string family;
  std::string type;
  std::string protocol;
  bool transport = false;  // fd was listed in SSHTC_AUDIT_TRANSPORT_FDS
  std::string call;        // "setsockopt", "send", ...; __recv_chk is recorded as "recv"
  // setsockopt/getsockopt only, by name ("IPPROTO_TCP", "TCP_NODELAY") or else the number.
  std::string level;
  std::string option;
  long long ret = 0;
  std::string error;   // errno name ("EOPNOTSUPP") when ret < 0, else empty; JSON key "errno"
  std::string caller;  // basename of the calling object: "libssh.so.4", or the executable
  bool emulated = false;  // answered by SSHTC_ERRNO_PROFILE, the kernel was not called
};

// Every record of every audit.*.jsonl file in `directory`, files in name order. A malformed
// line throws std::runtime_error naming the file and the line number.
std::vector<AuditRecord> read_audit_dir(const std::filesystem::path& directory);

}  // namespace sshtc
