// The data the bulk cases send and expect: random bytes of an odd size (no power of two above 1
// divides it, so a lost tail or a repeated block cannot hide), made once per run from a seed of
// the run's, which every failure names.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "../harness/run_directory.hpp"

namespace sshtc {

struct Payload {
  std::filesystem::path path;  // in the run directory, readable by the remote command
  uint64_t size = 0;
  uint64_t seed = 0;
  std::string describe() const;  // "3158073 bytes, seed 0x9e3779b97f4a7c15"
};

// SSHTC_DEPTH: "quick" (the default) or "full" (nightly: the deep cases too, and bigger
// payloads; scripts/conformance --depth full). Another value throws.
bool full_depth();
// SSHTC_PRODUCT: "reference" (the default: every client against the reference server, every
// server against the reference clients) or "full" (every client against every server); full
// depth is the whole product too. Anything else is an error.
bool whole_product();

// The bulk cases' size: 1 MiB + 12 345 bytes, several SSH windows and small enough for the
// default matrix's budget; at full depth 64 MiB + 12 345.
uint64_t bulk_bytes();

// The run's payload `name` of `size` bytes, made by whichever case asks first.
Payload payload(const RunDirectory& run, const std::string& name, uint64_t size);

// What differs between the payload and what arrived: "received 1048576 of 3158073 bytes (the
// first 1048576 agree)", "differs from byte 65536 on", or nothing when they agree. `what` names
// the receiving end in the message: "the remote's stdin", "the client's stdout".
std::optional<std::string> compare_with(const Payload& expected, const std::string& received, const std::string& what);

// `path` as one word of the remote command line (POSIX sh quoting).
std::string shell_quoted(const std::filesystem::path& path);

}  // namespace sshtc
