// The transport assumptions the audit detects, judged from the recorded calls.
#pragma once

#include <string>
#include <vector>

#include "audit_record.hpp"

namespace sshtc {

// Stable rule ids, used by expectation fixtures and reports.
inline constexpr const char* kTcpOptionOnNonTcp = "tcp-option-on-non-tcp";
inline constexpr const char* kIpOptionOnNonInet = "ip-option-on-non-inet";
inline constexpr const char* kSocketCallOnNonSocket = "socket-call-on-non-socket";

// Whether `id` names one of the rules above.
bool is_rule(const std::string& id);

struct Finding {
  std::string rule;
  AuditRecord call;
  // Empty when the call failed here: an error on Linux itself. Otherwise Linux accepted the
  // call, and this names the platforms whose kernels refuse it ("openbsd, freebsd, macos:
  // EINVAL"), from the errno profiles: a portability finding. A call that Linux accepts and no
  // profile refuses stays an error: the rule says it is wrong, and nothing says it is harmless.
  std::string refused_elsewhere;

  bool portability() const { return !refused_elsewhere.empty(); }

  // One line, e.g. "setsockopt(fd 3 [AF_UNIX/SOCK_STREAM, transport], IPPROTO_TCP,
  // TCP_NODELAY) = -1 EOPNOTSUPP from libpython3.11.so.1.0 [tcp-option-on-non-tcp]".
  std::string describe() const;
};

// Every rule against every record, transport descriptor or not: a record can break several
// rules (TCP_NODELAY on a pipe is both a TCP option on non-TCP and a socket call on a
// non-socket). Findings come in record order, then rule order.
std::vector<Finding> judge(const std::vector<AuditRecord>& records);

}  // namespace sshtc
