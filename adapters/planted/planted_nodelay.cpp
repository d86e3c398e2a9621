// Negative control: a client with asyncssh ≤ 2.17's bug planted (ronf/asyncssh#688). It takes
// the transport's socket (dialling tcp itself), sets SO_KEEPALIVE and then TCP_NODELAY
// unconditionally, treating any failure as fatal, then runs the real session through the
// adapter named on its command line (libssh) over that same descriptor.
// The suite must catch it on every non-TCP transport and pass it on tcp4/tcp6.
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "../contract/contract.hpp"

using namespace sshtc::adapter;

namespace {

int dial(const Contract& c) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int error = getaddrinfo(c.host.c_str(), std::to_string(c.port).c_str(), &hints, &found);
  if (error != 0) session_failed("getaddrinfo(" + c.host + "): " + gai_strerror(error));
  int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd < 0 || ::connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    session_failed("connect to " + c.host + " port " + std::to_string(c.port) + ": " + strerror(errno));
  }
  freeaddrinfo(found);
  return fd;
}

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
  int fd = c.fd_in >= 0 ? c.fd_in : dial(c);
  set_option(fd, SOL_SOCKET, SO_KEEPALIVE, "SOL_SOCKET, SO_KEEPALIVE");
  set_option(fd, IPPROTO_TCP, TCP_NODELAY, "IPPROTO_TCP, TCP_NODELAY");
  if (c.fd_in < 0) {
    setenv("SSHTC_FD_IN", std::to_string(fd).c_str(), 1);
    setenv("SSHTC_FD_OUT", std::to_string(fd).c_str(), 1);
  }
  execv(argv[1], argv + 1);
  session_failed(std::string("cannot run ") + argv[1] + ": " + strerror(errno));
}
