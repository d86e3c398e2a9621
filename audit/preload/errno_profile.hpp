// Errno emulation: answer TCP- and IP-level options on non-inet sockets the way another
// platform's kernel does, so a client's error handling can be tested here on Linux.
#pragma once

#include "descriptor.hpp"

namespace sshtc::preload {

enum class ErrnoProfile { linux_kernel, openbsd, freebsd, macos, wsl1 };

// Null or empty means no emulation; an unknown name also means none, and the caller says so.
bool parse_errno_profile(const char* name, ErrnoProfile* profile);

// The errno that `profile` gives for a setsockopt/getsockopt at `level` on `descriptor`, or 0
// when the call should reach the Linux kernel.
int emulated_option_errno(ErrnoProfile profile, int level, const Descriptor& descriptor);

}  // namespace sshtc::preload
