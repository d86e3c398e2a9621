// Runs the client program an adapter stands for. It stays in the adapter's process group, so
// the harness's kill of that group on a deadline reaches it, and it inherits the adapter's
// environment, so the audit preload follows it.
#pragma once

#include <string>
#include <vector>

namespace sshtc::proxy {

// Runs argv with stdin from /dev/null (or the adapter's own, `inherit_stdin`: the scenario stdin,
// which the client passes to the remote command) and stdout shared with the adapter, and waits.
// Its stderr is the adapter's, or the file `stderr_path` when the adapter must read it
// afterwards. Returns its exit status the way ssh reports a session: the status, or 255 (with
// the reason on stderr) when it could not start or was killed by a signal.
int run_client(const std::vector<std::string>& argv, const std::string& stderr_path = "",
               bool inherit_stdin = false);

// Runs argv and returns what it printed on stdout and stderr; an empty string when it could
// not start. For version probes and helper tools.
std::string output_of(const std::vector<std::string>& argv, int* status = nullptr);

}  // namespace sshtc::proxy
