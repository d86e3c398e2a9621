#include "client.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "printable.hpp"
#include "../base/process.hpp"
#include "../base/scratch_dir.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

// Labels and gtest names are built from client names.
void check_name(const std::string& name, const std::string& where) {
  if (name.empty() || name.find_first_of("/ \t;=") != std::string::npos) {
    throw std::invalid_argument(where + ": client name '" + name +
                                "' must be non-empty, without '/', ';', '=' or blanks");
  }
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);) parts.push_back(part);
  return parts;
}

}  // namespace

std::vector<Client> parse_extra_clients(const std::string& spec) {
  std::vector<Client> clients;
  for (const auto& entry : split(spec, ';')) {
    if (entry.empty()) continue;
    auto equals = entry.find('=');
    if (equals == std::string::npos) {
      throw std::invalid_argument("SSHTC_EXTRA_CLIENTS: '" + entry + "' is not name=/abs/path");
    }
    Client client{entry.substr(0, equals), {entry.substr(equals + 1)}};
    check_name(client.name, "SSHTC_EXTRA_CLIENTS");
    if (fs::path(client.command.front()).is_relative()) {
      throw std::invalid_argument("SSHTC_EXTRA_CLIENTS: the adapter of '" + client.name +
                                  "' must be an absolute path, not '" + client.command.front() + "'");
    }
    clients.push_back(client);
  }
  return clients;
}

std::vector<Client> load_clients() {
  const char* custom = std::getenv("SSHTC_CLIENTS_FILE");
  fs::path registry = custom && *custom ? fs::path(custom) : fs::path(SSHTC_CLIENTS_FILE);
  std::ifstream in(registry);
  if (!in) throw std::runtime_error("cannot read the client registry " + registry.string());
  std::vector<Client> clients;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty()) continue;
    auto fields = split(line, '\t');
    if (fields.size() < 3 || (fields[0] != "client" && fields[0] != "control")) {
      throw std::runtime_error(registry.string() + ":" + std::to_string(number) +
                               ": expected client|control<TAB>name<TAB>command");
    }
    Client client{fields[1], {fields.begin() + 2, fields.end()}, fields[0]};
    check_name(client.name, registry.string() + ":" + std::to_string(number));
    clients.push_back(client);
  }
  const char* extra = std::getenv("SSHTC_EXTRA_CLIENTS");
  for (auto& client : parse_extra_clients(extra ? extra : "")) clients.push_back(client);
  return clients;
}

Environment adapter_base_environment(const RunDirectory& run) {
  Environment env = {
      {"PATH", "/usr/bin:/bin"},
      {"HOME", run.home.string()},
      {"USER", run.user},
      {"LOGNAME", run.user},
      {"LANG", "C.UTF-8"},
  };
  auto pass = [&](const char* from, const char* to) {
    const char* value = std::getenv(from);
    if (value && *value) env[to] = value;
  };
  pass("SSHTC_LIBRARY_PATH", "LD_LIBRARY_PATH");
  pass("SSHTC_PYTHONPATH", "PYTHONPATH");
  pass("SSHTC_SSH", "SSHTC_SSH");
  pass("SSHTC_DBCLIENT", "SSHTC_DBCLIENT");
  return env;
}

ProcessSpec version_spec(const Client& client, const RunDirectory& run, const fs::path& scratch) {
  ProcessSpec spec;
  spec.what = client.name + " adapter --version";
  spec.argv = client.command;
  spec.argv.push_back("--version");
  spec.env = adapter_base_environment(run);
  spec.stdout_path = scratch / "stdout";
  spec.stderr_path = scratch / "stderr";
  return spec;
}

std::string version_answer(const ExitStatus& status, const fs::path& scratch) {
  std::string output = read_file(scratch / "stdout");
  std::string version = printable(output.substr(0, output.find('\n')));
  if (status.code != 0 || version.empty()) return "unknown (--version: " + status.describe() + ")";
  return version;
}

std::string client_version(const Client& client, const RunDirectory& run) {
  return run.remembered("versions", client.name, [&] {
    ScratchDir scratch("sshtc-version");
    try {
      auto status = Process::spawn(version_spec(client, run, scratch.path()))
                        .wait_until(Clock::now() + std::chrono::seconds(10));
      return version_answer(status, scratch.path());
    } catch (const SpawnError& error) {
      return std::string("unknown (") + error.what() + ")";
    }
  });
}

}  // namespace sshtc
