#include "contract.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

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

}  // namespace

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

void Contract::check_scenario(std::initializer_list<const char*> supported) const {
  for (const char* known : supported) {
    if (scenario == known) return;
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
  while (size > 0) {
    ssize_t n = ::write(STDOUT_FILENO, data, size);
    if (n <= 0) session_failed("adapter: cannot write the remote output to stdout");
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace sshtc::adapter
