#include "contract.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <tuple>
#include <utility>

namespace sshtc::adapter {
namespace {

std::string required(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) session_failed(std::string("contract: ") + name + " is not set");
  return value;
}

std::string optional(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

int number(const std::string& text, const char* name) {
  char* end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < 0) {
    session_failed(std::string("contract: ") + name + "='" + text + "' is not a number");
  }
  return static_cast<int>(value);
}

// "LEFT:RIGHT" of two absolute paths (README: they hold no colon).
std::pair<std::string, std::string> path_pair(const char* name) {
  const std::string text = required(name);
  const size_t colon = text.find(':');
  if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos ||
      text[0] != '/' || colon + 1 >= text.size() || text[colon + 1] != '/') {
    session_failed(std::string("contract: ") + name + "='" + text + "' is not two absolute paths as FROM:TO");
  }
  return {text.substr(0, colon), text.substr(colon + 1)};
}

SftpPlan sftp_plan_from_environment() {
  SftpPlan plan;
  std::tie(plan.put_local, plan.put_remote) = path_pair("SSHTC_SFTP_PUT");
  std::tie(plan.get_remote, plan.get_local) = path_pair("SSHTC_SFTP_GET");
  return plan;
}

ForwardTarget forward_target_from_environment() {
  ForwardTarget target;
  target.path = optional("SSHTC_FORWARD_PATH");
  const bool has_tcp = !optional("SSHTC_FORWARD_HOST").empty() || !optional("SSHTC_FORWARD_PORT").empty();
  if (target.is_unix() == has_tcp) {
    session_failed("contract: scenario forward needs SSHTC_FORWARD_HOST and SSHTC_FORWARD_PORT, "
                   "or SSHTC_FORWARD_PATH, and not both");
  }
  if (has_tcp) {
    target.host = required("SSHTC_FORWARD_HOST");
    target.port = number(required("SSHTC_FORWARD_PORT"), "SSHTC_FORWARD_PORT");
  }
  return target;
}

// Everything, again after EINTR and short writes; `what` names the destination in the reason.
void write_all(int fd, const char* data, size_t size, const std::string& what) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) session_failed("adapter: cannot write " + what + ": " + std::strerror(n < 0 ? errno : EIO));
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace

std::string ForwardTarget::describe() const {
  return is_unix() ? "unix:" + path : host + ":" + std::to_string(port);
}

Contract Contract::from_environment() {
  Contract c;
  c.transport = required("SSHTC_TRANSPORT");
  if (!optional("SSHTC_FD_IN").empty()) {
    c.fd_in = number(optional("SSHTC_FD_IN"), "SSHTC_FD_IN");
    c.fd_out = number(required("SSHTC_FD_OUT"), "SSHTC_FD_OUT");
  }
  c.host = required("SSHTC_HOST");
  c.port = number(required("SSHTC_PORT"), "SSHTC_PORT");
  c.unix_path = optional("SSHTC_UNIX_PATH");
  c.user = required("SSHTC_USER");
  c.identity = required("SSHTC_IDENTITY");
  c.known_hosts = required("SSHTC_KNOWN_HOSTS");
  c.scenario = required("SSHTC_SCENARIO");
  c.command = required("SSHTC_COMMAND");
  return c;
}

void Contract::check_scenario(std::initializer_list<const char*> supported) {
  for (const char* known : supported) {
    if (scenario != known) continue;
    if (scenario == "sftp") sftp = sftp_plan_from_environment();
    if (scenario == "forward") forward = forward_target_from_environment();
    return;
  }
  cannot_do("scenario '" + scenario + "' is not implemented");
}

void session_failed(const std::string& reason) {
  std::fprintf(stderr, "%s\n", reason.c_str());
  std::exit(kSessionFailed);
}

void cannot_do(const std::string& reason) {
  std::fprintf(stderr, "%s\n", reason.c_str());
  std::exit(kCannotDo);
}

void write_stdout(const char* data, size_t size) {
  write_all(STDOUT_FILENO, data, size, "the remote output to stdout");
}

void write_stderr(const char* data, size_t size) {
  write_all(STDERR_FILENO, data, size, "the remote stderr to stderr");
}

int open_local(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
  if (fd < 0) session_failed("cannot open the local file " + path + ": " + std::strerror(errno));
  return fd;
}

size_t read_local(int fd, char* buffer, size_t size, const std::string& path) {
  for (;;) {
    ssize_t n = ::read(fd, buffer, size);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) session_failed("cannot read the local file " + path + ": " + std::strerror(errno));
  }
}

void write_local(int fd, const char* data, size_t size, const std::string& path) {
  write_all(fd, data, size, "the local file " + path);
}

void close_local(int fd, const std::string& path) {
  // The download's last bytes may only fail here (a full disk on NFS, say).
  if (::close(fd) != 0) session_failed("cannot close the local file " + path + ": " + std::strerror(errno));
}

std::string sftp_status_name(unsigned long code) {
  static const char* const kNames[] = {"SSH_FX_OK",          "SSH_FX_EOF",           "SSH_FX_NO_SUCH_FILE",
                                       "SSH_FX_PERMISSION_DENIED", "SSH_FX_FAILURE", "SSH_FX_BAD_MESSAGE",
                                       "SSH_FX_NO_CONNECTION", "SSH_FX_CONNECTION_LOST", "SSH_FX_OP_UNSUPPORTED"};
  if (code < sizeof kNames / sizeof kNames[0]) return kNames[code];
  return "SFTP status " + std::to_string(code);
}

void wait_for(std::vector<pollfd>& fds, int timeout_ms) {
  while (::poll(fds.data(), fds.size(), timeout_ms) < 0) {
    if (errno != EINTR) session_failed(std::string("poll: ") + std::strerror(errno));
  }
}

PendingInput::PendingInput(int fd) : fd_(fd), at_eof_(fd < 0) {}

void PendingInput::fill() {
  char buffer[65536];
  ssize_t n;
  do n = ::read(fd_, buffer, sizeof buffer);
  while (n < 0 && errno == EINTR);
  if (n < 0) session_failed(std::string("reading stdin: ") + std::strerror(errno));
  if (n == 0) at_eof_ = true;
  pending_.assign(buffer, static_cast<size_t>(n));
  offset_ = 0;
}

void PendingInput::consume(size_t n) {
  offset_ += n;
  if (offset_ == pending_.size()) {
    pending_.clear();
    offset_ = 0;
  }
}

}  // namespace sshtc::adapter
