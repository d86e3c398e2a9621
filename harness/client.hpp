// The clients under test: each is an adapter program that follows contract v1 (README).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "../base/process.hpp"
#include "run_directory.hpp"

namespace sshtc {

struct Client {
  std::string name;                  // the matrix row: "libssh", "asyncssh+fix"
  std::vector<std::string> command;  // the adapter and its fixed arguments
  // "client": an implementation under test; "control": the suite's own negative control,
  // which must be caught (planted-nodelay), shown in a table of its own.
  std::string role = "client";
};

// The registered adapters (one line each in the build's clients.list, role<TAB>name<TAB>command,
// made by adapters/CMakeLists.txt) followed by SSHTC_EXTRA_CLIENTS='name=/abs/adapter[;...]'.
std::vector<Client> load_clients();

// Parses SSHTC_EXTRA_CLIENTS; throws with the offending entry named.
std::vector<Client> parse_extra_clients(const std::string& spec);

// The adapter's own one-line `--version`, asked once per run and kept in the run directory.
std::string client_version(const Client& client, const RunDirectory& run);
// The asking and the reading apart, for the set-up, which asks every client at once. Its
// output goes to `scratch`/stdout.
ProcessSpec version_spec(const Client& client, const RunDirectory& run, const std::filesystem::path& scratch);
std::string version_answer(const ExitStatus& status, const std::filesystem::path& scratch);

// What every adapter process starts from: a scrubbed environment (no SSH_AUTH_SOCK, an empty
// HOME) plus the pointers to a build under test: SSHTC_LIBRARY_PATH becomes LD_LIBRARY_PATH,
// SSHTC_PYTHONPATH becomes PYTHONPATH, and SSHTC_SSH / SSHTC_DBCLIENT pass as they are.
Environment adapter_base_environment(const RunDirectory& run);

}  // namespace sshtc
