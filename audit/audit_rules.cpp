#include "audit_rules.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/errno_profile.hpp"

namespace sshtc {
namespace {

bool is_option_call(const AuditRecord& record) {
  return record.call == "setsockopt" || record.call == "getsockopt";
}

bool is_socket(const AuditRecord& record) { return record.kind == "socket"; }

bool is_inet(const AuditRecord& record) {
  return is_socket(record) && (record.family == "AF_INET" || record.family == "AF_INET6");
}

// Multipath TCP (IPPROTO_MPTCP) is TCP to the socket API: Linux takes the TCP-level options on
// it (TCP_NODELAY, TCP_KEEPIDLE, TCP_INFO…) and passes them to its subflows, and Go >= 1.21 and
// others open such sockets, so a TCP option there is correct.
bool is_tcp(const AuditRecord& record) {
  return is_inet(record) && record.type == "SOCK_STREAM" &&
         (record.protocol == "IPPROTO_TCP" || record.protocol == "IPPROTO_MPTCP");
}

bool tcp_option_on_non_tcp(const AuditRecord& record) {
  return is_option_call(record) && record.level == "IPPROTO_TCP" && !is_tcp(record);
}

// Linux accepts some IP_ options on AF_INET6 sockets, other systems do not (sshuttle#660), so
// each level is held to its own family.
bool ip_option_on_non_inet(const AuditRecord& record) {
  if (!is_option_call(record)) return false;
  if (record.level == "IPPROTO_IP") return !(is_socket(record) && record.family == "AF_INET");
  if (record.level == "IPPROTO_IPV6") return !(is_socket(record) && record.family == "AF_INET6");
  return false;
}

// A descriptor that is not open (a library's use after close, paramiko's reader thread racing
// its close) is a bug of another kind, not an assumption about the transport.
bool socket_call_on_non_socket(const AuditRecord& record) {
  return !is_socket(record) && record.kind != "badf";
}

struct Rule {
  const char* id;
  bool (*breaks)(const AuditRecord&);
};

constexpr Rule rules[] = {
    {kTcpOptionOnNonTcp, tcp_option_on_non_tcp},
    {kIpOptionOnNonInet, ip_option_on_non_inet},
    {kSocketCallOnNonSocket, socket_call_on_non_socket},
};

// "AF_UNIX/SOCK_STREAM", "AF_INET/SOCK_DGRAM/IPPROTO_UDP", or the kind of a non-socket.
std::string descriptor_kind(const AuditRecord& record) {
  if (!is_socket(record)) return record.kind;
  std::string kind = record.family + "/" + record.type;
  if (!record.protocol.empty() && record.protocol != "0") kind += "/" + record.protocol;
  return kind;
}

int level_number(const std::string& level) {
  return level == "IPPROTO_TCP" ? IPPROTO_TCP : level == "IPPROTO_IP" ? IPPROTO_IP
       : level == "IPPROTO_IPV6" ? IPPROTO_IPV6 : -1;
}

int family_number(const std::string& family) {
  return family == "AF_INET" ? AF_INET : family == "AF_INET6" ? AF_INET6 : family == "AF_UNIX" ? AF_UNIX : -1;
}

// "openbsd, freebsd, macos: EINVAL" for a call Linux accepted; empty when it failed here or no
// other platform is known to refuse it.
std::string refused_elsewhere(const AuditRecord& record) {
  if (record.ret < 0 || !is_option_call(record)) return "";
  std::string platforms, errors;
  for (auto profile : audit::kOtherPlatforms) {
    int error = audit::emulated_option_errno(profile, level_number(record.level), is_socket(record),
                                               family_number(record.family));
    if (error == 0) continue;
    platforms += (platforms.empty() ? "" : ", ") + std::string(audit::profile_name(profile));
    std::string name = error == EINVAL ? "EINVAL" : error == ENOPROTOOPT ? "ENOPROTOOPT"
                     : error == EOPNOTSUPP ? "EOPNOTSUPP" : error == EPERM ? "EPERM" : std::strerror(error);
    if (errors.find(name) == std::string::npos) errors += (errors.empty() ? "" : "/") + name;
  }
  return platforms.empty() ? "" : platforms + ": " + errors;
}

}  // namespace

std::string Finding::describe() const {
  std::string line = call.call + "(fd " + std::to_string(call.fd) + " [" + descriptor_kind(call) +
                     ", " + (call.transport ? "transport" : "not transport") + "]";
  if (!call.level.empty()) line += ", " + call.level + ", " + call.option;
  line += ") = " + std::to_string(call.ret);
  if (!call.error.empty()) line += " " + call.error;
  if (call.emulated) line += " (emulated)";
  line += " from " + call.caller;
  // Where the call came from is the first thing a maintainer needs: it never went through libc.
  if (call.raw) line += " (raw syscall, not through libc)";
  line += " [" + rule + "]";
  if (portability()) line += " (Linux accepts it, but refused on " + refused_elsewhere + ")";
  return line;
}

bool is_rule(const std::string& id) {
  for (const Rule& rule : rules) {
    if (id == rule.id) return true;
  }
  return false;
}

std::vector<Finding> judge(const std::vector<AuditRecord>& records) {
  std::vector<Finding> findings;
  for (const AuditRecord& record : records) {
    for (const Rule& rule : rules) {
      if (rule.breaks(record)) findings.push_back({rule.id, record, refused_elsewhere(record)});
    }
  }
  return findings;
}

}  // namespace sshtc
