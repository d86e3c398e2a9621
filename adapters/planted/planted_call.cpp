// Negative control for any stray call, not just asyncssh's: makes the one call named on its
// command line on the transport descriptor (dialling tcp itself), ignores the result as a
// "harmless probe" would, then runs the real session through the adapter named after it. The
// session works; only the audit can fail the cell, and it must, naming the call. The suite's
// own test of strictness (cases/stray_calls.cpp) registers it through SSHTC_EXTRA_CLIENTS.
//
//   sshtc-planted-call CALL ADAPTER [ARGS...]
//   CALL: set:LEVEL:OPTION | get:LEVEL:OPTION | getpeername | none
//         e.g. set:IPPROTO_TCP:TCP_KEEPIDLE, get:IPPROTO_IPV6:IPV6_TCLASS
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "../contract/contract.hpp"
#include "hand_over.hpp"

using namespace sshtc::adapter;

namespace {

struct Named {
  const char* name;
  int number;
};

constexpr Named levels[] = {
    {"SOL_SOCKET", SOL_SOCKET}, {"IPPROTO_IP", IPPROTO_IP}, {"IPPROTO_IPV6", IPPROTO_IPV6},
    {"IPPROTO_TCP", IPPROTO_TCP}};

constexpr Named options[] = {
    {"TCP_NODELAY", TCP_NODELAY},   {"TCP_KEEPIDLE", TCP_KEEPIDLE},
    {"TCP_KEEPINTVL", TCP_KEEPINTVL}, {"TCP_KEEPCNT", TCP_KEEPCNT},
    {"TCP_USER_TIMEOUT", TCP_USER_TIMEOUT}, {"TCP_CORK", TCP_CORK},
    {"TCP_QUICKACK", TCP_QUICKACK}, {"IP_TOS", IP_TOS},
    {"IP_TTL", IP_TTL},             {"IPV6_TCLASS", IPV6_TCLASS},
    {"IPV6_V6ONLY", IPV6_V6ONLY},   {"SO_KEEPALIVE", SO_KEEPALIVE},
    {"SO_PRIORITY", SO_PRIORITY}};

template <size_t size>
int number_of(const Named (&table)[size], const std::string& name) {
  for (const Named& entry : table) {
    if (name == entry.name) return entry.number;
  }
  session_failed("sshtc-planted-call: unknown level or option '" + name + "'");
}

// Makes the call and ignores what it returns: the session must go on regardless.
void make_call(const std::string& call, int fd) {
  if (call == "none") return;
  if (call == "getpeername") {
    sockaddr_storage address;
    socklen_t size = sizeof address;
    (void)::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &size);
    return;
  }
  auto first = call.find(':');
  auto second = first == std::string::npos ? first : call.find(':', first + 1);
  std::string verb = call.substr(0, first);
  if (second == std::string::npos || (verb != "set" && verb != "get")) {
    session_failed("sshtc-planted-call: CALL is set:LEVEL:OPTION, get:LEVEL:OPTION, getpeername "
                   "or none, not '" + call + "'");
  }
  int level = number_of(levels, call.substr(first + 1, second - first - 1));
  int option = number_of(options, call.substr(second + 1));
  int value = 1;
  socklen_t size = sizeof value;
  if (verb == "set") {
    (void)::setsockopt(fd, level, option, &value, size);
  } else {
    (void)::getsockopt(fd, level, option, &value, &size);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) session_failed("usage: sshtc-planted-call CALL ADAPTER [ARGS...]");
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("planted-call 1 (%s)\n", argv[1]);
      return 0;
    }
  }
  Contract c = Contract::from_environment();
  c.check_scenario({"exec"});
  int fd = planted_descriptor(c);
  make_call(argv[1], fd);
  hand_over(c, fd, argv + 2);
}
