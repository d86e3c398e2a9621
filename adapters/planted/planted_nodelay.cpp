// Negative control: a client with asyncssh ≤ 2.17's bug planted (ronf/asyncssh#688). It takes
// the transport's socket (dialling tcp itself), sets SO_KEEPALIVE and then TCP_NODELAY
// unconditionally, treating any failure as fatal, then runs the real session through the
// adapter named on its command line (libssh) over that same descriptor.
// The suite must catch it on every non-TCP transport and pass it on tcp4/tcp6.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "../contract/contract.hpp"
#include "hand_over.hpp"

using namespace sshtc::adapter;

namespace {

// What asyncssh's SSHConnection.connection_made did up to 2.17.
void set_option(int fd, int level, int option, const char* name) {
  int on = 1;
  if (::setsockopt(fd, level, option, &on, sizeof on) != 0) {
    session_failed(std::string("setsockopt(fd ") + std::to_string(fd) + ", " + name + "): " +
                   strerror(errno) + " (" + strerrorname_np(errno) + ")");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) session_failed("usage: sshtc-planted-nodelay ADAPTER [ARGS...]");
  if (argc > 2 && std::strcmp(argv[2], "--version") == 0) {
    std::printf("planted-nodelay 1\n");
    return 0;
  }
  Contract c = Contract::from_environment();
  c.check_scenario({"exec"});
  int fd = planted_descriptor(c);
  set_option(fd, SOL_SOCKET, SO_KEEPALIVE, "SOL_SOCKET, SO_KEEPALIVE");
  set_option(fd, IPPROTO_TCP, TCP_NODELAY, "IPPROTO_TCP, TCP_NODELAY");
  hand_over(c, fd, argv + 1);
}
