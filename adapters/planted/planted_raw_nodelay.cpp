// Negative control of the syscall audit: a static binary that sets TCP_NODELAY on its transport
// with the syscall instruction, as Go's net package does on every TCP connection it makes and
// as a Go or Rust SSH stack could on any socket, then runs a correct client (libssh, named on
// its command line; it takes no pipe pair, so that column is SKIP after the call) over that same descriptor. It ignores the call's failure, as Go does, so
// the session itself works: only an audit that sees calls made without libc can catch it. The
// preload alone must miss it and the syscall backend must catch it, marked as made without libc
// (cases/regressions.cpp asserts both).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/syscall.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "../../base/raw_syscall.hpp"
#include "../contract/contract.hpp"
#include "hand_over.hpp"

using namespace sshtc::adapter;

int main(int argc, char** argv) {
  if (argc < 2) session_failed("usage: sshtc-planted-raw-nodelay ADAPTER [ARGS...]");
  if (argc > 2 && std::strcmp(argv[2], "--version") == 0) {
    // Only the syscall backend can see this control's call: with the preload alone its cells
    // would pass, and its expectations read as stale.
    const char* backends = std::getenv("SSHTC_AUDIT_BACKENDS");
    if (backends == nullptr || std::strstr(backends, "syscall") == nullptr) {
      cannot_do(std::string("this control makes its call without libc, which only the syscall audit sees, and this run's audit is ") +
                (backends ? backends : "unknown (SSHTC_AUDIT_BACKENDS unset)"));
    }
    std::printf("planted-raw-nodelay 1\n");
    return 0;
  }
  Contract c = Contract::from_environment();
  c.check_scenario({"exec"});
  int fd = planted_descriptor(c);
  int on = 1;
  // Its failure is ignored, as Go's dial ignores setNoDelay's, and said nowhere: the client's
  // stderr is libssh's, whose first line is the cell's reason when it refuses the transport.
  (void)sshtc::raw_syscall(SYS_setsockopt, fd, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<long>(&on), sizeof on);
  hand_over(c, fd, argv + 1);
}
