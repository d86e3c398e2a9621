// The adapter's own TCP connect, for libraries that have none (libssh2) and for the planted
// controls, which must hold the socket before the library sees it.
#pragma once

#include "contract.hpp"

namespace sshtc::adapter {

// A connected stream socket to SSHTC_HOST:SSHTC_PORT, trying each address in turn; a failure
// ends the adapter with kSessionFailed and the reason.
int dial(const Contract& c);

}  // namespace sshtc::adapter
