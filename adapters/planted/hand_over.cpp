#include "hand_over.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../contract/dial.hpp"

namespace sshtc::adapter {

int planted_descriptor(const Contract& c) { return c.fd_in >= 0 ? c.fd_in : dial(c); }

void hand_over(const Contract& c, int fd, char** adapter_argv) {
  if (c.fd_in < 0) {
    ::setenv("SSHTC_FD_IN", std::to_string(fd).c_str(), 1);
    ::setenv("SSHTC_FD_OUT", std::to_string(fd).c_str(), 1);
  }
  ::execv(adapter_argv[0], adapter_argv);
  session_failed(std::string("cannot run ") + adapter_argv[0] + ": " + std::strerror(errno));
}

}  // namespace sshtc::adapter
