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

// Every adapter's --version (a server's preparation) and compliance, asked at once: the
// set-up's per-run work, so that the cases only read the answers.
void ask_every_adapter(const std::vector<Implementation>& adapters, const RunDirectory& run);

}  // namespace sshtc
