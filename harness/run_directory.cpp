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
  if (!entry) throw std::runtime_error("the current uid has no passwd entry: sshd cannot log it in");
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

std::string render(std::string text, const std::string& placeholder, const std::string& value) {
  for (size_t at = text.find(placeholder); at != std::string::npos;
       at = text.find(placeholder, at + value.size())) {
    text.replace(at, placeholder.size(), value);
  }
  return text;
}

// sshd as root wants its privilege-separation directory; Debian makes it only when the
// service starts, which never happens on a CI machine.
void ensure_privsep_dir() {
  if (::geteuid() == 0 && !fs::exists("/run/sshd")) {
    fs::create_directories("/run/sshd");
    ::chmod("/run/sshd", 0755);
  }
}

}  // namespace

fs::path sshd_binary() {
  const char* custom = getenv("SSHTC_SSHD");
  return custom && *custom ? fs::path(custom) : fs::path("/usr/sbin/sshd");
}

RunDirectory RunDirectory::layout(const fs::path& root) {
  RunDirectory run;
  run.root = fs::absolute(root);
  run.client_key = run.root / "client_ed25519";
  run.known_hosts = run.root / "known_hosts";
  run.sshd_config = run.root / "sshd_config";
  run.home = run.root / "home";
  run.user = current_user();
  return run;
}

fs::path RunDirectory::default_sshd_template() {
  return fs::path(SSHTC_FIXTURES_DIR) / "sshd_config.in";
}

namespace {

// The reference server must be there before anything is made for it.
void check_sshd() {
  fs::path sshd = sshd_binary();
  const char* custom = getenv("SSHTC_SSHD");
  std::string source = custom && *custom ? "SSHTC_SSHD" : "the default; Debian's openssh-server has it";
  if (!fs::exists(sshd)) throw std::runtime_error("sshd not found at " + sshd.string() + " (" + source + ")");
  if (::access(sshd.c_str(), X_OK) != 0) {
    throw std::runtime_error("sshd at " + sshd.string() + " is not executable (" + source + ")");
  }
}

}  // namespace

RunDirectory RunDirectory::create(const fs::path& root, const fs::path& template_path) {
  check_sshd();
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

  std::ifstream in(template_path);
  if (!in) throw std::runtime_error("cannot read the sshd_config template " + template_path.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_text(run.sshd_config, render(text, "@RUN_DIR@", run.root.string()));

  ensure_privsep_dir();
  auto check = run_command("sshd -t", {sshd_binary().string(), "-t", "-f", run.sshd_config.string()},
                           scratch);
  if (check.status.timed_out || check.status.code != 0) {
    throw std::runtime_error("sshd -t rejected " + run.sshd_config.string() + " (rendered from " +
                             template_path.string() + ", " + check.status.describe() +
                             "): " + check.output);
  }
  return run;
}

RunDirectory RunDirectory::open(const fs::path& root) {
  RunDirectory run = layout(root);
  if (!fs::exists(run.sshd_config) || !fs::exists(run.client_key)) {
    throw std::runtime_error("no run directory at " + run.root.string() +
                             ": run the set-up first (ctest does it through the fixture "
                             "sshtc-run-setup)");
  }
  ensure_privsep_dir();
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
