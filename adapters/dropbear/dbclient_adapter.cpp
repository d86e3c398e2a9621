// Dropbear's dbclient behind contract v1. It dials tcp itself (-p PORT). For any other
// transport its one way in is -J PROGRAM, a proxy it talks to over pipes, so the adapter
// offers the transport's descriptors (proxy/fd_offer.hpp) and sshtc-fd-relay --pump moves the
// bytes. dbclient has no option for a known_hosts file or an OpenSSH key, hence the private
// HOME and the key conversion below.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../contract/contract.hpp"
#include "../proxy/client_process.hpp"
#include "../proxy/fd_offer.hpp"
#include "../../base/scratch_dir.hpp"

using namespace sshtc::adapter;
using namespace sshtc::proxy;

namespace {

constexpr const char* kDropbearConvert = "/usr/bin/dropbearconvert";
constexpr const char* kInstallHint = "apt-get install dropbear-bin";
// Long enough for dbclient to start its -J program; the harness's session deadline ends a
// client that hangs.
constexpr std::chrono::seconds kOfferDeadline{15};

std::string dbclient_binary() {
  const char* custom = std::getenv("SSHTC_DBCLIENT");  // a maintainer's own build
  return custom && *custom ? custom : "/usr/bin/dbclient";
}

// "Dropbear v2022.83" -> "dropbear 2022.83"
std::string version_line() {
  if (::access(dbclient_binary().c_str(), X_OK) != 0) {
    return std::string("dropbear not installed (") + kInstallHint + ")";
  }
  std::string banner = output_of({dbclient_binary(), "-V"});
  auto v = banner.find(" v");
  if (banner.rfind("Dropbear", 0) != 0 || v == std::string::npos) return "unknown (dbclient -V: " + banner + ")";
  return "dropbear " + banner.substr(v + 2, banner.find_first_of(" \n", v + 2) - v - 2);
}

// dbclient reads only $HOME/.ssh/known_hosts, and matches a line only when it begins with
// exactly the name it was given followed by a blank (cli-kex.c checkhostkey: no patterns, no
// comma lists, no [host]:port). So the entries of SSHTC_KNOWN_HOSTS that name SSHTC_HOST are
// copied, under that bare name, into a HOME of the adapter's own: the harness's HOME is shared
// by parallel cases. Unknown keys stay rejected: no -y.
void write_known_hosts(const Contract& c, const std::filesystem::path& home) {
  std::ifstream in(c.known_hosts);
  std::string entries;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string names, type, key;
    if (!(fields >> names >> type >> key)) continue;
    std::istringstream list(names);
    for (std::string name; std::getline(list, name, ',');) {
      if (name == c.host) entries += c.host + " " + type + " " + key + "\n";
    }
  }
  if (entries.empty()) throw std::runtime_error("no entry for " + c.host + " in " + c.known_hosts);
  std::filesystem::create_directories(home / ".ssh");
  std::ofstream out(home / ".ssh" / "known_hosts");
  if (!(out << entries << std::flush)) throw std::runtime_error("cannot write " + (home / ".ssh/known_hosts").string());
}

// dbclient reads only its own key format. The conversion runs once per session (a few ms): the
// harness's per-run directory is not visible to adapters, so there is nowhere to cache it.
std::string dropbear_identity(const Contract& c, const std::filesystem::path& dir) {
  std::string converted = (dir / "id_dropbear").string();
  int status = -1;
  std::string output = output_of({kDropbearConvert, "openssh", "dropbear", c.identity, converted}, &status);
  if (status != 0) throw std::runtime_error("dropbearconvert " + c.identity + " failed: " + output);
  return converted;
}

// dbclient exits 1 (EXIT_FAILURE) both when the remote command does and when the session
// fails; only the second ends with dbclient's own last word on stderr, from
// cli-session.c cli_dropbear_exit: "PROGNAME: Exited: ..." before the session is up,
// "PROGNAME: Connection to USER@HOST:PORT exited: ..." after. The contract wants 255 for that,
// with the reason on the first line of stderr.
int session_status(int status, const std::string& stderr_text) {
  std::string text = stderr_text.substr(0, stderr_text.find_last_not_of('\n') + 1);
  std::string last = text.substr(text.find_last_of('\n') + 1);
  bool dbclient_gave_up = status == 1 && last.rfind(dbclient_binary() + ": ", 0) == 0 &&
                          (last.find(": Exited: ") != std::string::npos ||
                           last.find(" exited: ") != std::string::npos);
  if (dbclient_gave_up) std::fprintf(stderr, "dbclient session failed: %s\n", last.c_str());
  std::fputs(stderr_text.c_str(), stderr);
  return dbclient_gave_up ? kSessionFailed : status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("%s\n", version_line().c_str());
    return 0;
  }
  Contract c = Contract::from_environment();
  if (c.scenario == "sftp") {
    cannot_do("scenario 'sftp' is not implemented: dbclient has no SFTP client of its own (dropbear's "
              "users run OpenSSH's sftp over it)");
  }
  c.check_scenario({"exec", "stdin", "forward"});
  if (c.scenario == "forward" && std::getenv("SSHTC_FORWARD_PATH")) {
    cannot_do("dbclient forwards to host:port only (-B); it has no direct-streamlocal channels");
  }
  if (::access(dbclient_binary().c_str(), X_OK) != 0 || ::access(kDropbearConvert, X_OK) != 0) {
    cannot_do(std::string("dbclient is not installed: ") + kInstallHint);
  }

  try {
    std::unique_ptr<FdOffer> offer;
    if (c.fd_in >= 0) offer = std::make_unique<FdOffer>(c.fd_in, c.fd_out, kOfferDeadline);
    sshtc::ScratchDir dir("sshtc-dbclient");
    write_known_hosts(c, dir.path());
    ::setenv("HOME", dir.path().c_str(), 1);
    // -T: an exec session, no pty. No -z: its QoS socket options are part of what is tested.
    std::vector<std::string> command = {dbclient_binary(), "-T", "-i", dropbear_identity(c, dir.path()),
                                        "-l", c.user, "-p", std::to_string(c.port)};
    if (offer) command.insert(command.end(), {"-J", offer->relay_command(FdOffer::RelayMode::kPump)});
    if (c.scenario == "forward") {
      // -B: netcat mode, the adapter's stdin and stdout are the direct-tcpip channel.
      const char* host = std::getenv("SSHTC_FORWARD_HOST");
      const char* port = std::getenv("SSHTC_FORWARD_PORT");
      if (!host || !port) session_failed("SSHTC_FORWARD_HOST and SSHTC_FORWARD_PORT must be set");
      command.insert(command.end(), {"-B", std::string(host) + ":" + port, c.host});
    } else {
      command.insert(command.end(), {c.host, c.command});
    }
    std::string stderr_path = (dir.path() / "dbclient.stderr").string();
    // In the stdin scenario dbclient passes its stdin on and sends EOF at its end.
    int status = run_client(command, stderr_path, c.scenario == "stdin" || c.scenario == "forward");
    std::ifstream saved(stderr_path);
    std::string stderr_text((std::istreambuf_iterator<char>(saved)), std::istreambuf_iterator<char>());
    if (offer) {
      std::string unsent = offer->finish();
      if (!unsent.empty() && status != 0) std::fprintf(stderr, "fd offer: %s\n", unsent.c_str());
    }
    return session_status(status, stderr_text);
  } catch (const std::exception& error) {
    session_failed(std::string("dbclient adapter: ") + error.what());
  }
}
