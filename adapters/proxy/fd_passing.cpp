#include "fd_passing.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace sshtc::proxy {
namespace {

union ControlBuffer {
  char bytes[CMSG_SPACE(sizeof(int) * kMaxPassedFds)];
  cmsghdr align;
};

}  // namespace

void send_fds(int socket, const std::vector<int>& fds) {
  if (fds.empty() || fds.size() > kMaxPassedFds) {
    throw std::invalid_argument("send_fds: 1 to " + std::to_string(kMaxPassedFds) + " descriptors");
  }
  char byte = 0;
  iovec data{&byte, 1};
  ControlBuffer control{};
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control.bytes;
  message.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
  std::memcpy(CMSG_DATA(header), fds.data(), sizeof(int) * fds.size());
  ssize_t sent;
  while ((sent = ::sendmsg(socket, &message, MSG_NOSIGNAL)) < 0 && errno == EINTR) {}
  if (sent != 1) throw std::system_error(errno, std::generic_category(), "sendmsg(SCM_RIGHTS)");
}

std::vector<int> receive_fds(int socket) {
  char byte;
  iovec data{&byte, 1};
  ControlBuffer control{};
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control.bytes;
  message.msg_controllen = sizeof control.bytes;
  ssize_t received;
  while ((received = ::recvmsg(socket, &message, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {}
  if (received < 0) throw std::system_error(errno, std::generic_category(), "recvmsg(SCM_RIGHTS)");
  std::vector<int> fds;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const unsigned char* payload = CMSG_DATA(header);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, payload + i * sizeof(int), sizeof fd);
      fds.push_back(fd);
    }
  }
  if (fds.empty() || (message.msg_flags & MSG_CTRUNC)) {
    throw std::runtime_error(received == 0 ? "the offer closed without sending descriptors"
                                           : "the message carried no usable descriptors");
  }
  return fds;
}

}  // namespace sshtc::proxy
