// Class F of the bug catalog (openssh-portable PR#244, fixed by 7be4ac813 in 8.7p1: `ssh` left
// O_NONBLOCK on the stdio it shared with the shell). The harness hands the client its stdin,
// stdout and stderr blocking and keeps its own reference to each open file description, which
// its parent would go on using; once the client has exited, a description left non-blocking is a
// finding of the rule below, judged and expected like the audit's.
#pragma once

#include <string>
#include <vector>

#include "../base/unique_fd.hpp"
#include "audit_findings.hpp"

namespace sshtc {

inline const std::string kNonblockLeftOnSharedStdio = "nonblock-left-on-shared-stdio";

// The descriptions the client's 0, 1 and 2 are; an end the harness does not hold (a pipe it
// reads) is -1 and not checked.
struct SharedStdio {
  UniqueFd in, out, err;
};

// Opened blocking, as a shell would hand them over: the stdin file (empty: /dev/null), and
// adapter.stdout and adapter.stderr (empty path: that one is not the harness's to open).
SharedStdio open_shared_stdio(const std::string& stdin_file, const std::string& stdout_file,
                              const std::string& stderr_file);

// After the client has exited: one finding per description left with O_NONBLOCK set.
std::vector<Observation> stdio_findings(const SharedStdio& stdio);

}  // namespace sshtc
