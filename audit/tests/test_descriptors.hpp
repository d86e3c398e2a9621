// Real descriptors of each kind the audit tells apart, all closed when the object goes.
#pragma once

#include <vector>

namespace sshtc::audit_test {

class TestDescriptors {
 public:
  TestDescriptors() = default;
  TestDescriptors(const TestDescriptors&) = delete;
  TestDescriptors& operator=(const TestDescriptors&) = delete;
  ~TestDescriptors();

  int unix_stream();     // one end of an AF_UNIX stream socketpair
  int pipe_write_end();  // the read end stays open, so writes would not raise SIGPIPE
  int tcp4();            // a client connected over 127.0.0.1
  // The same over Multipath TCP (IPPROTO_MPTCP); throws std::system_error with
  // EPROTONOSUPPORT or ENOPROTOOPT where the kernel has no MPTCP or has it disabled.
  int mptcp4();
  int pty_master();

 private:
  int keep(int fd);
  int loopback_client(int protocol);

  std::vector<int> fds_;
};

}  // namespace sshtc::audit_test
