// Descriptors handed across an AF_UNIX socket with SCM_RIGHTS, the convention OpenSSH's
// monitor_fdpass.c uses for ProxyUseFdpass: one message of exactly one data byte carrying the
// descriptors, so that ssh's mm_receive_fd() accepts it.
#pragma once

#include <vector>

namespace sshtc::proxy {

// At most kMaxPassedFds descriptors (a transport's in and out). Throws std::system_error.
constexpr int kMaxPassedFds = 2;
void send_fds(int socket, const std::vector<int>& fds);
// The received descriptors are close-on-exec. Throws std::system_error, or std::runtime_error
// when the message carries no descriptor.
std::vector<int> receive_fds(int socket);

}  // namespace sshtc::proxy
