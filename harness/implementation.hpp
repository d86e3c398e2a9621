// The implementations under test, clients and servers alike: each is an adapter program behind
// the contract (README, "The adapter contract"), declared once with its role.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "../base/process.hpp"
#include "run_directory.hpp"

namespace sshtc {

struct Implementation {
  std::string name;                  // its row or table: "libssh", "asyncssh+fix", "sshd-i"
  std::vector<std::string> command;  // the adapter and its fixed arguments
  // "client": a row of the matrix; "server": a table of it; "control": the suite's own
  // negative control, a client that must be caught (planted-nodelay), in a table of its own.
  std::string role = "client";
  // A server's: "inetd" (the transport's server end as stdin and stdout, every transport) or
  // "daemon" (listening on the loopback address it is given; tcp4 only). Empty for clients.
  std::string mode{};

  bool is_server() const { return role == "server"; }
  // Its name among the run's remembered answers: a client and a server may share a name.
  std::string answer_key() const { return role + "-" + name; }
};

// The reference server: the first registered, whose columns carry no "@server" suffix.
inline const std::string kReferenceServer = "sshd-i";
// The reference clients: what every other server's table runs by default (the whole product,
// every client against every server, is SSHTC_PRODUCT=full). Two libraries that share no code,
// OpenSSH's ssh and libssh, so that a server's finding is not one client's quirk.
inline const std::vector<std::string> kReferenceClients = {"openssh", "libssh"};
// The matrix column of a transport served by a server: "socketpair", "socketpair@dropbear-i".
std::string column_name(const std::string& transport, const std::string& server);
// And back: "socketpair@dropbear-i" is transport "socketpair" of server "dropbear-i"; a column
// without a suffix is the reference server's.
std::string transport_of_column(const std::string& column);
std::string server_of_column(const std::string& column);

// The registered adapters (one line each in the build's implementations.list, made by
// adapters/CMakeLists.txt: role<TAB>name<TAB>mode<TAB>command...), in matrix order, then
// SSHTC_EXTRA_CLIENTS and SSHTC_EXTRA_SERVERS ('name=/abs/adapter[;...]'; an extra server is
// in inetd mode). Read once; a malformed entry throws, naming it.
const std::vector<Implementation>& all_implementations();
std::vector<Implementation> clients();  // role client or control, in order
std::vector<Implementation> servers();
// Throw, listing the names there are.
const Implementation& find_client(const std::string& name);  // a client or a control
const Implementation& find_server(const std::string& name);

// Parses an SSHTC_EXTRA_CLIENTS / SSHTC_EXTRA_SERVERS value (`variable` names it in errors)
// into implementations of `role`; a name already in `taken` is an error.
std::vector<Implementation> parse_extra(const std::string& variable, const std::string& spec,
                                        const std::string& role, const std::vector<std::string>& taken);

// What every adapter process starts from: a scrubbed environment (no SSH_AUTH_SOCK, an empty
// HOME) plus the pointers to a build under test: SSHTC_LIBRARY_PATH becomes LD_LIBRARY_PATH,
// SSHTC_PYTHONPATH becomes PYTHONPATH, and SSHTC_SSH, SSHTC_DBCLIENT, SSHTC_SSHD and
// SSHTC_DROPBEAR pass as they are. A server's also has what the server contract gives it for
// the whole run (SSHTC_HOST_KEY, SSHTC_AUTHORIZED_KEYS, SSHTC_USER, SSHTC_SERVER_STATE).
Environment adapter_base_environment(const RunDirectory& run, const Implementation& adapter);

// The adapter's one-line `--version`, asked once per run and kept in the run directory. A
// server's --version is also its once-per-run preparation (of SSHTC_SERVER_STATE).
std::string version(const Implementation& adapter, const RunDirectory& run);
// A server's own directory for the run (SSHTC_SERVER_STATE), which its --version prepares.
std::filesystem::path server_state(const Implementation& server, const RunDirectory& run);
// An adapter whose --version exits kCannotDo cannot run on this machine: the reason (its cells
// are SKIP), or nothing.
std::optional<std::string> cannot_run_here(const Implementation& adapter, const RunDirectory& run);
// A server whose --version failed otherwise could not prepare itself: what it answered, or
// nothing. A case then cannot run, and the set-up fails.
std::optional<std::string> preparation_failure(const Implementation& server, const RunDirectory& run);
// The asking and the reading apart, for the set-up, which asks every adapter at once. Its
// output goes to `scratch`.
ProcessSpec version_spec(const Implementation& adapter, const RunDirectory& run, const std::filesystem::path& scratch);
std::string version_answer(const ExitStatus& status, const std::filesystem::path& scratch);

}  // namespace sshtc
