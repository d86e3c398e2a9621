// One socket call seen by the audit: by the sshtc_audit preload (<dir>/audit.<pid>.jsonl) or by
// the syscall backend's supervisor (<dir>/syscall.<pid>.jsonl), in the same format.
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
  std::string backend = "preload";  // or "syscall"; JSON key "backend"
  // Syscall records: the preload was loaded in the process (JSON key "preload_loaded").
  bool preload_loaded = true;
  // A syscall record that no preload record matches in a process with the preload, or one not
  // made from libc's shared object in a process without it: the call was made without libc
  // (Go, a static binary, the syscall instruction). Set by read_audit_dir.
  bool raw = false;

  // The call's name at the syscall level: libc's send and recv are the sendto and recvfrom
  // syscalls.
  std::string syscall_name() const;
};

// Every record of every audit.*.jsonl and syscall.*.jsonl file in `directory`, files in name
// order. Where both backends saw the same call (the preload's libc call reaching the kernel),
// only the preload's record is kept, which names the library that called libc; the other syscall
// records are kept, and marked `raw` when they were made without libc (AuditRecord::raw). A malformed line
// throws std::runtime_error naming the file and the line number.
std::vector<AuditRecord> read_audit_dir(const std::filesystem::path& directory);

}  // namespace sshtc
