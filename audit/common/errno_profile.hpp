// Errno emulation: answer TCP- and IP-level options on descriptors where other platforms'
// kernels refuse them, the way those kernels do, so a client's error handling can be tested
// here on Linux. The same table tells the rules which calls Linux accepts but others refuse
// (portability findings). Plain C++ with no library calls: it is linked into the preload too.
#pragma once

namespace sshtc::audit {

enum class ErrnoProfile { linux_kernel, openbsd, freebsd, macos, wsl1 };

// The profiles other than Linux's, in the order messages name them.
inline constexpr ErrnoProfile kOtherPlatforms[] = {ErrnoProfile::openbsd, ErrnoProfile::freebsd,
                                                   ErrnoProfile::macos, ErrnoProfile::wsl1};

// Null or empty means no emulation; an unknown name also means none, and the caller says so.
bool parse_errno_profile(const char* name, ErrnoProfile* profile);
const char* profile_name(ErrnoProfile profile);

// The errno that `profile` gives for a setsockopt/getsockopt at `level` on a descriptor (a
// socket of `family`, or no socket at all), or 0 when the call should reach the Linux kernel.
int emulated_option_errno(ErrnoProfile profile, int level, bool is_socket, int family);

}  // namespace sshtc::audit
