// A server of the user's own, in inetd mode, behind a process contract like the clients': the
// adapter is started with the transport's server end as its stdin and stdout, and with
//   SSHTC_HOST_KEY          the run's ed25519 host key (OpenSSH format; the .pub beside it)
//   SSHTC_AUTHORIZED_KEYS   the client key it must accept
//   SSHTC_USER              who logs in (the user running the suite)
//   SSHTC_SERVER_LOG        where its log goes (shown when a case fails)
//   TMPDIR                  a private directory of its own for this session
// and the audit preloaded, as every server is. SSHTC_EXTRA_SERVERS='name=/abs/adapter;...'
// adds one; each is a table of the matrix. A short script wrapping `sshd -i` is enough.
#include <stdexcept>

#include "server.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

class ExternalServer : public Server {
 public:
  ExternalServer(std::string name, std::string adapter) : name_(std::move(name)), adapter_(std::move(adapter)) {}

  std::string name() const override { return name_; }

  ProcessSpec inetd_spec(const RunDirectory& run, const ServerEndpoint& endpoint,
                         const fs::path& case_dir) const override {
    ProcessSpec spec;
    spec.what = name_ + " server adapter";
    spec.argv = {adapter_};
    spec.env = {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"},
                {"SSHTC_HOST_KEY", (run.root / "host_ed25519").string()},
                {"SSHTC_AUTHORIZED_KEYS", (run.root / "authorized_keys").string()},
                {"SSHTC_USER", run.user},
                {"SSHTC_SERVER_LOG", (case_dir / "server.log").string()},
                {"TMPDIR", (case_dir / "server-tmp").string()}};
    fs::create_directories(case_dir / "server-tmp");
    fs::permissions(case_dir / "server-tmp", fs::perms::owner_all, fs::perm_options::replace);
    spec.stdin_fd = endpoint.fd_in;
    spec.stdout_fd = endpoint.fd_out;
    spec.stderr_path = case_dir / "server.stderr";
    return spec;
  }

 private:
  std::string name_;
  std::string adapter_;
};

// Names become columns (transport@name), labels and gtest names.
void check_server_name(const std::string& name, const std::vector<std::string>& taken) {
  if (name.empty() || name.find_first_of("/@ \t;=") != std::string::npos) {
    throw std::invalid_argument("SSHTC_EXTRA_SERVERS: server name '" + name +
                                "' must be non-empty, without '/', '@', ';', '=' or blanks");
  }
  for (const auto& other : taken) {
    if (other == name) throw std::invalid_argument("SSHTC_EXTRA_SERVERS: a server named '" + name + "' exists already");
  }
}

}  // namespace

std::vector<std::shared_ptr<Server>> parse_extra_servers(const std::string& spec, std::vector<std::string> taken) {
  std::vector<std::shared_ptr<Server>> servers;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t end = spec.find(';', start);
    std::string entry = spec.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? spec.size() + 1 : end + 1;
    if (entry.empty()) continue;
    auto equals = entry.find('=');
    if (equals == std::string::npos) {
      throw std::invalid_argument("SSHTC_EXTRA_SERVERS: '" + entry + "' is not name=/abs/path");
    }
    std::string name = entry.substr(0, equals), adapter = entry.substr(equals + 1);
    check_server_name(name, taken);
    if (fs::path(adapter).is_relative()) {
      throw std::invalid_argument("SSHTC_EXTRA_SERVERS: the adapter of '" + name +
                                  "' must be an absolute path, not '" + adapter + "'");
    }
    taken.push_back(name);
    servers.push_back(std::make_shared<ExternalServer>(name, adapter));
  }
  return servers;
}

}  // namespace sshtc
