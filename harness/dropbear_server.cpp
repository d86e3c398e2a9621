// Dropbear as a second server: `dropbear -i` on the transport's server end.
// Dropbear has no option for the authorized_keys path and reads ~user/.ssh/authorized_keys,
// with ~user from the passwd database. So it runs in a private mount namespace where
// /etc/passwd is the run's copy, in which the user's home is a directory of the run: the real
// ~/.ssh is never read or written, and nothing else is hidden (a suite built inside the real
// home still finds its audit library and run directory). As root that is `unshare --mount`. As
// another user it is an unprivileged user namespace, mapped to root for the bind mount, and
// inside it a second one that maps the user back, so that dropbear runs as the user it serves
// (a non-root dropbear serves only its own user, which is all the suite needs). Where user
// namespaces are not available, the cells are SKIP with the reason.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "server.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

fs::path dropbear_binary() {
  const char* custom = std::getenv("SSHTC_DROPBEAR");
  return custom && *custom ? fs::path(custom) : fs::path("/usr/sbin/dropbear");
}

// Why this machine gives a normal user no user namespace, or nothing when it does; asked once.
const std::optional<std::string>& user_namespace_refusal() {
  static const std::optional<std::string> refusal = []() -> std::optional<std::string> {
    auto tried = run_command("unshare --user", {"/usr/bin/unshare", "--user", "--map-root-user", "--mount", "/bin/true"},
                             fs::temp_directory_path() / ("sshtc-userns-" + std::to_string(::getpid())),
                             std::chrono::seconds(5));
    if (tried.status.code == 0) return std::nullopt;
    return "dropbear has no option for the authorized_keys path; the suite gives it a private home in a "
           "mount namespace, which needs root or an unprivileged user namespace, and `unshare --user "
           "--map-root-user --mount` failed here (" + tried.status.describe() + "): " + tried.output;
  }();
  return refusal;
}

// The passwd database with `user`'s home moved to `home`.
std::string passwd_with_home(const std::string& user, const fs::path& home) {
  const passwd* entry = ::getpwnam(user.c_str());
  if (!entry) throw std::runtime_error("dropbear-i: no passwd entry for " + user);
  std::string line = user + ":x:" + std::to_string(entry->pw_uid) + ":" + std::to_string(entry->pw_gid) +
                     ":" + entry->pw_gecos + ":" + home.string() + ":" + entry->pw_shell + "\n";
  std::ifstream in("/etc/passwd");
  std::string text, each;
  while (std::getline(in, each)) {
    if (each.rfind(user + ":", 0) != 0) text += each + "\n";
  }
  return text + line;  // appended too when the user comes from another database (NSS)
}

class DropbearServer : public Server {
 public:
  std::string name() const override { return "dropbear-i"; }

  std::optional<std::string> unavailable() const override {
    if (!fs::exists(dropbear_binary()) || !fs::exists("/usr/bin/dropbearconvert")) {
      return "dropbear is not installed (" + dropbear_binary().string() +
             "): apt-get install dropbear-bin";
    }
    if (::geteuid() != 0) return user_namespace_refusal();
    return std::nullopt;
  }

  ProcessSpec inetd_spec(const RunDirectory& run, const ServerEndpoint& endpoint,
                         const fs::path& case_dir) const override {
    fs::path prepared = prepare(run);
    ProcessSpec spec;
    spec.what = "dropbear -i";
    const bool root = ::geteuid() == 0;
    std::string as_user = root ? "" : "/usr/bin/unshare --user --map-user=" + std::to_string(::geteuid()) +
                                          " --map-group=" + std::to_string(::getegid()) + " -- ";
    spec.argv = {"/usr/bin/unshare"};
    if (!root) spec.argv.insert(spec.argv.end(), {"--user", "--map-root-user"});
    spec.argv.insert(spec.argv.end(), {"--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                                       "mount --bind \"$1\" /etc/passwd && exec " + as_user + "\"$2\" -i -s -m -r \"$3\"",
                                       "sshtc-dropbear", (prepared / "passwd").string(), dropbear_binary().string(),
                                       (prepared / "host_ed25519").string()});
    spec.env = {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}};
    spec.stdin_fd = endpoint.fd_in;
    spec.stdout_fd = endpoint.fd_out;
    // dropbear -i refuses -E ("inetd mode is incompatible with ... non-syslog"): its log goes
    // to syslog, and only what it prints before that lands here.
    spec.stderr_path = case_dir / "server.log";
    return spec;
  }

 private:
  // Once per run, by whichever case comes first: the run's host key in dropbear's format (so
  // one known_hosts serves both servers), a home holding the run's authorized_keys, and the
  // passwd that points there.
  static fs::path prepare(const RunDirectory& run) {
    fs::path done = run.root / "dropbear";
    if (fs::exists(done)) return done;
    fs::path partial = run.root / ("dropbear." + std::to_string(::getpid()));
    fs::create_directories(partial / "home" / ".ssh");
    fs::permissions(partial / "home", fs::perms::owner_all, fs::perm_options::replace);
    fs::copy_file(run.root / "authorized_keys", partial / "home" / ".ssh" / "authorized_keys");
    // The home the namespace's /etc/passwd names: where it will be once renamed.
    std::ofstream(partial / "passwd") << passwd_with_home(run.user, done / "home");
    auto converted = run_command(
        "dropbearconvert", {"/usr/bin/dropbearconvert", "openssh", "dropbear",
                            (run.root / "host_ed25519").string(), (partial / "host_ed25519").string()},
        partial / "convert");
    if (converted.status.code != 0) {
      throw std::runtime_error("dropbearconvert could not convert the host key (" +
                               converted.status.describe() + "): " + converted.output);
    }
    std::error_code lost_the_race;  // a parallel case prepared it first: theirs is as good
    fs::rename(partial, done, lost_the_race);
    if (lost_the_race) fs::remove_all(partial);
    return done;
  }
};

}  // namespace

std::shared_ptr<Server> make_dropbear_server() { return std::make_shared<DropbearServer>(); }

}  // namespace sshtc
