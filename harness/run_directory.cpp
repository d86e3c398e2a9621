#include "run_directory.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <thread>

#include "../base/process.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

std::string current_user() {
  const passwd* entry = ::getpwuid(::geteuid());
  if (!entry) throw std::runtime_error("the current uid has no passwd entry: no server can log it in");
  return entry->pw_name;
}

std::string first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void generate_key(const fs::path& file, const std::string& comment, const fs::path& scratch) {
  auto result = run_command("ssh-keygen", {"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                                           "-C", comment, "-f", file.string()},
                            scratch);
  if (result.status.timed_out || result.status.code != 0) {
    throw std::runtime_error("ssh-keygen could not make " + file.string() + " (" +
                             result.status.describe() + "): " + result.output);
  }
}

}  // namespace

RunDirectory RunDirectory::layout(const fs::path& root) {
  RunDirectory run;
  run.root = fs::absolute(root);
  run.client_key = run.root / "client_ed25519";
  run.known_hosts = run.root / "known_hosts";
  run.home = run.root / "home";
  run.user = current_user();
  return run;
}

RunDirectory RunDirectory::create(const fs::path& root) {
  remove(root);
  RunDirectory run = layout(root);
  fs::create_directories(run.root);
  fs::permissions(run.root, fs::perms::owner_all, fs::perm_options::replace);
  fs::create_directory(run.home);
  fs::create_directory(run.root / "cases");
  fs::path scratch = run.root / "setup";

  generate_key(run.root / "host_ed25519", "sshtc-host", scratch);
  generate_key(run.client_key, "sshtc-client", scratch);
  fs::copy_file(run.client_key.string() + ".pub", run.root / "authorized_keys");
  // One entry for every name a client may look up: the logical name used on descriptor
  // transports and the loopback addresses on any port (ports are picked per connection).
  write_text(run.known_hosts, "sshtc-server,127.0.0.1,::1,[127.0.0.1]:*,[::1]:* " +
                                  first_line(run.root / "host_ed25519.pub") + "\n");

  return run;
}

RunDirectory RunDirectory::open(const fs::path& root) {
  RunDirectory run = layout(root);
  if (!fs::exists(run.known_hosts) || !fs::exists(run.client_key)) {
    throw std::runtime_error("no run directory at " + run.root.string() +
                             ": run the set-up first (ctest does it through the fixture "
                             "sshtc-run-setup)");
  }
  return run;
}

void RunDirectory::remove(const fs::path& root) {
  std::error_code ignored;
  fs::remove_all(root, ignored);
}

fs::path RunDirectory::case_dir(const std::string& case_name) const {
  std::string safe = case_name;
  for (char& c : safe) {
    if (c == '/') c = '.';
  }
  fs::path dir = root / "cases" / safe;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string RunDirectory::remembered(const std::string& kind, const std::string& name,
                                     const std::function<std::string()>& ask) const {
  fs::path cache = root / kind / name;
  if (fs::exists(cache)) return read_file(cache);
  fs::create_directories(cache.parent_path());
  std::string answer = ask();
  // The rename makes the cache whole or absent.
  fs::path partial = cache.string() + "." + std::to_string(::getpid()) + "." +
                     std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  std::ofstream(partial) << answer;
  fs::rename(partial, cache);
  return answer;
}

}  // namespace sshtc
