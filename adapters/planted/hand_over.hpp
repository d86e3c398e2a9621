// What both planted controls do around their planted calls: take the transport's descriptor
// (dialling tcp themselves, as the buggy library did), then hand it to the real adapter.
#pragma once

#include "../contract/contract.hpp"

namespace sshtc::adapter {

// The descriptor the planted calls go to: the one handed over, or a fresh tcp connection.
int planted_descriptor(const Contract& c);

// Execs the adapter in `adapter_argv` (null-terminated) over `fd`, as contract v1 hands a
// descriptor over; a failure to run it ends this process with kSessionFailed.
[[noreturn]] void hand_over(const Contract& c, int fd, char** adapter_argv);

}  // namespace sshtc::adapter
