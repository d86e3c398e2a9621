#include "implementation.hpp"

#include "audit_backend.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "printable.hpp"
#include "../base/scratch_dir.hpp"
#include <sshtc/exit_codes.hpp>

namespace fs = std::filesystem;

namespace sshtc {
namespace {

// How the run directory keeps a --version that did not answer a version.
const std::string kCannotRunHere = "cannot run here: ";
const std::string kUnknown = "unknown (";

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, separator);) parts.push_back(part);
  return parts;
}

// Names become rows, columns (transport@server), labels and gtest names.
void check_name(const std::string& name, const std::vector<std::string>& taken, const std::string& where) {
  if (name.empty() || name.find_first_of("/@ \t;=") != std::string::npos) {
    throw std::invalid_argument(where + ": name '" + name +
                                "' must be non-empty, without '/', '@', ';', '=' or blanks");
  }
  for (const auto& other : taken) {
    if (other == name) throw std::invalid_argument(where + ": '" + name + "' is taken already");
  }
}

std::vector<std::string> names_of(const std::vector<Implementation>& all, bool server) {
  std::vector<std::string> names;
  for (const auto& each : all) {
    if (each.is_server() == server) names.push_back(each.name);
  }
  return names;
}

std::vector<Implementation> load_registry() {
  const char* custom = std::getenv("SSHTC_IMPLEMENTATIONS_FILE");
  fs::path registry = custom && *custom ? fs::path(custom) : fs::path(SSHTC_IMPLEMENTATIONS_FILE);
  std::ifstream in(registry);
  if (!in) throw std::runtime_error("cannot read the implementations' registry " + registry.string());
  std::vector<Implementation> all;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty()) continue;
    std::string where = registry.string() + ":" + std::to_string(number);
    auto fields = split(line, '\t');
    bool known_role = fields.size() >= 4 && (fields[0] == "client" || fields[0] == "control" || fields[0] == "server");
    if (!known_role || (fields[0] == "server") != (fields[2] == "inetd" || fields[2] == "daemon")) {
      throw std::runtime_error(where + ": expected client|control<TAB>name<TAB>-<TAB>command or "
                               "server<TAB>name<TAB>inetd|daemon<TAB>command");
    }
    Implementation adapter{fields[1], {fields.begin() + 3, fields.end()}, fields[0],
                           fields[0] == "server" ? fields[2] : ""};
    check_name(adapter.name, names_of(all, adapter.is_server()), where);
    all.push_back(adapter);
  }
  return all;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

std::string column_name(const std::string& transport, const std::string& server) {
  return server == kReferenceServer ? transport : transport + "@" + server;
}

std::string transport_of_column(const std::string& column) { return column.substr(0, column.find('@')); }

std::string server_of_column(const std::string& column) {
  auto at = column.find('@');
  return at == std::string::npos ? kReferenceServer : column.substr(at + 1);
}

std::vector<Implementation> parse_extra(const std::string& variable, const std::string& spec,
                                        const std::string& role, const std::vector<std::string>& taken_before) {
  std::vector<Implementation> added;
  std::vector<std::string> taken = taken_before;
  for (const auto& entry : split(spec, ';')) {
    if (entry.empty()) continue;
    auto equals = entry.find('=');
    if (equals == std::string::npos) throw std::invalid_argument(variable + ": '" + entry + "' is not name=/abs/path");
    Implementation adapter{entry.substr(0, equals), {entry.substr(equals + 1)}, role,
                           role == "server" ? "inetd" : ""};
    check_name(adapter.name, taken, variable);
    if (fs::path(adapter.command.front()).is_relative()) {
      throw std::invalid_argument(variable + ": the adapter of '" + adapter.name +
                                  "' must be an absolute path, not '" + adapter.command.front() + "'");
    }
    taken.push_back(adapter.name);
    added.push_back(adapter);
  }
  return added;
}

const std::vector<Implementation>& all_implementations() {
  static const std::vector<Implementation> all = [] {
    auto registered = load_registry();
    for (const auto& [variable, role] : {std::pair<const char*, const char*>{"SSHTC_EXTRA_CLIENTS", "client"},
                                         {"SSHTC_EXTRA_SERVERS", "server"}}) {
      const char* spec = std::getenv(variable);
      auto taken = names_of(registered, std::string(role) == "server");
      for (auto& adapter : parse_extra(variable, spec ? spec : "", role, taken)) registered.push_back(adapter);
    }
    return registered;
  }();
  return all;
}

std::vector<Implementation> clients() {
  std::vector<Implementation> found;
  for (const auto& each : all_implementations()) {
    if (!each.is_server()) found.push_back(each);
  }
  return found;
}

std::vector<Implementation> servers() {
  std::vector<Implementation> found;
  for (const auto& each : all_implementations()) {
    if (each.is_server()) found.push_back(each);
  }
  return found;
}

namespace {

const Implementation& find_named(const std::string& name, bool server) {
  for (const auto& each : all_implementations()) {
    if (each.is_server() == server && each.name == name) return each;
  }
  std::string kind = server ? "server" : "client", names;
  for (const auto& each : names_of(all_implementations(), server)) names += (names.empty() ? "" : ", ") + each;
  throw std::invalid_argument("no " + kind + " named '" + name + "' (" + kind + "s: " + names + ")");
}

}  // namespace

const Implementation& find_client(const std::string& name) { return find_named(name, false); }
const Implementation& find_server(const std::string& name) { return find_named(name, true); }

Environment adapter_base_environment(const RunDirectory& run, const Implementation& adapter) {
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
  for (const char* pointer : {"SSHTC_SSH", "SSHTC_DBCLIENT", "SSHTC_SSHD", "SSHTC_DROPBEAR"}) pass(pointer, pointer);
  // Which audit watches it: a control that only one backend can see says so at --version.
  const AuditChoice audit = audit_choice(run);
  env["SSHTC_AUDIT_BACKENDS"] = audit.backend == AuditBackend::both ? "preload,syscall"
                              : audit.syscall() ? "syscall" : "preload";
  if (adapter.is_server()) {
    env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
    // Its own directory for the whole run, private like the run itself.
    fs::path state = server_state(adapter, run);
    fs::create_directories(state);
    fs::permissions(state, fs::perms::owner_all, fs::perm_options::replace);
    env["SSHTC_SERVER_STATE"] = state.string();
    env["SSHTC_HOST_KEY"] = (run.root / "host_ed25519").string();
    env["SSHTC_AUTHORIZED_KEYS"] = (run.root / "authorized_keys").string();
    env["SSHTC_USER"] = run.user;
  }
  return env;
}

fs::path server_state(const Implementation& server, const RunDirectory& run) {
  return run.root / "servers" / server.name;
}

ProcessSpec version_spec(const Implementation& adapter, const RunDirectory& run, const fs::path& scratch) {
  ProcessSpec spec;
  spec.what = adapter.name + " adapter --version";
  spec.argv = adapter.command;
  spec.argv.push_back("--version");
  spec.env = adapter_base_environment(run, adapter);
  spec.env["TMPDIR"] = scratch.string();
  spec.stdout_path = scratch / "stdout";
  spec.stderr_path = scratch / "stderr";
  return spec;
}

std::string version_answer(const ExitStatus& status, const fs::path& scratch) {
  std::string version = printable(first_line(read_file(scratch / "stdout")));
  std::string said = printable(first_line(read_file(scratch / "stderr")));
  if (status.code == 0 && !version.empty()) return version;
  if (status.code == kCannotDo && !said.empty()) return kCannotRunHere + said;
  return kUnknown + "--version: " + status.describe() + (said.empty() ? "" : ": " + said) + ")";
}

std::string version(const Implementation& adapter, const RunDirectory& run) {
  return run.remembered("versions", adapter.answer_key(), [&] {
    ScratchDir scratch("sshtc-version");
    try {
      auto status = Process::spawn(version_spec(adapter, run, scratch.path()))
                        .wait_until(Clock::now() + std::chrono::seconds(10));
      return version_answer(status, scratch.path());
    } catch (const SpawnError& error) {
      return kUnknown + error.what() + ")";
    }
  });
}

std::optional<std::string> cannot_run_here(const Implementation& adapter, const RunDirectory& run) {
  std::string answer = version(adapter, run);
  if (answer.rfind(kCannotRunHere, 0) != 0) return std::nullopt;
  return answer.substr(kCannotRunHere.size());
}

std::optional<std::string> preparation_failure(const Implementation& server, const RunDirectory& run) {
  std::string answer = version(server, run);
  if (!server.is_server() || answer.rfind(kUnknown, 0) != 0) return std::nullopt;
  std::string detail = answer.substr(kUnknown.size(), answer.size() - kUnknown.size() - 1);  // no ")"
  return "the server " + server.name + " could not prepare itself: " + detail;
}

}  // namespace sshtc
