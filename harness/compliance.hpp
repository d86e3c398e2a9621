// The compliance probe (after the QUIC interop runner's, with this contract's own code): before
// an adapter, client or server, gets cells it is asked for a scenario no adapter implements, and must answer
// kCannotDo with a reason on stderr, before it dials or touches a descriptor. An adapter that
// answers anything else would fill its row with confusing failures; it gets one row-level
// error instead (harness/judge, kNotCompliant).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "implementation.hpp"
#include "run_directory.hpp"

namespace sshtc {

inline const std::string kProbeScenario = "sshtc-compliance-probe";

// Nothing when the client complied; otherwise what it answered. Asked once per run and kept in
// the run directory, like its --version.
std::optional<std::string> compliance_failure(const Implementation& adapter, const RunDirectory& run);

// Whether a client implements `scenario`: it is asked once per run, the way the compliance probe
// asks (a whole tcp4 environment, port 1), and answers kCannotDo with a reason that names the
// scenario ("scenario 'stdin' …") when it does not: that reason, and then its cells of the
// scenario are SKIP without a session. Nothing when it does (it dialled). exec, every adapter's
// since contract v1, is not asked. Servers are not asked (a daemon that does the scenario would
// listen until killed); one that refuses a scenario exits kCannotDo at its session.
std::optional<std::string> cannot_do_scenario(const Implementation& client, const RunDirectory& run,
                                              const std::string& scenario);

// Every adapter's --version (a server's preparation), compliance and, for clients, each of
// `scenarios`, asked at once: the set-up's per-run work, so that the cases only read the answers.
void ask_every_adapter(const std::vector<Implementation>& adapters, const RunDirectory& run,
                       const std::vector<std::string>& scenarios);

}  // namespace sshtc
