#include "stdio_hygiene.hpp"

#include <fcntl.h>
#include <sys/stat.h>

namespace sshtc {
namespace {

UniqueFd open_blocking(const std::string& path, int flags, const char* what) {
  return UniqueFd(check_sys(::open(path.c_str(), flags | O_CLOEXEC, 0600), what));
}

std::string kind_of(int fd) {
  struct stat about {};
  if (::fstat(fd, &about) != 0) return "badf";
  if (S_ISFIFO(about.st_mode)) return "pipe";
  if (S_ISCHR(about.st_mode)) return "chr";
  if (S_ISSOCK(about.st_mode)) return "socket";
  return "file";
}

}  // namespace

SharedStdio open_shared_stdio(const std::string& stdin_file, const std::string& stdout_file,
                              const std::string& stderr_file) {
  SharedStdio stdio;
  stdio.in = open_blocking(stdin_file.empty() ? "/dev/null" : stdin_file, O_RDONLY, "open the adapter's stdin");
  if (!stdout_file.empty()) {
    stdio.out = open_blocking(stdout_file, O_WRONLY | O_CREAT | O_TRUNC, "open the adapter's stdout");
  }
  if (!stderr_file.empty()) {
    stdio.err = open_blocking(stderr_file, O_WRONLY | O_CREAT | O_TRUNC, "open the adapter's stderr");
  }
  return stdio;
}

std::vector<Observation> stdio_findings(const SharedStdio& stdio) {
  std::vector<Observation> findings;
  const std::pair<const UniqueFd*, int> shared[] = {{&stdio.in, 0}, {&stdio.out, 1}, {&stdio.err, 2}};
  static const char* const names[] = {"stdin", "stdout", "stderr"};
  for (const auto& [held, number] : shared) {
    if (!*held) continue;
    int flags = ::fcntl(held->get(), F_GETFL);
    if (flags < 0 || !(flags & O_NONBLOCK)) continue;
    Observation finding;
    finding.side = "client";
    finding.rule = kNonblockLeftOnSharedStdio;
    finding.call.fd = number;
    finding.call.kind = kind_of(held->get());
    finding.call.call = "fcntl";
    finding.call.level = "F_GETFL";
    finding.call.option = "O_NONBLOCK";
    finding.call.ret = flags;
    finding.call.caller = "(after exit)";
    finding.description = std::string("O_NONBLOCK left set on its ") + names[number] + " (fd " + std::to_string(number) +
                          ", a " + finding.call.kind + " it shares with its parent, handed over blocking) [" +
                          kNonblockLeftOnSharedStdio + "]";
    findings.push_back(finding);
  }
  return findings;
}

}  // namespace sshtc
