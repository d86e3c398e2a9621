// Expectations are data (fixtures/expectations.txt): known findings with their upstream
// reference. They turn a failing cell into XFAIL and a clean one into XPASS.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sshtc {

// Outcomes an expectation may name instead of an audit rule: the session failed with no
// socket-call finding to explain it, or the client hung (it did not notice its stream end).
inline const std::string kSessionFails = "session-fails";
inline const std::string kSessionHangs = "session-hangs";

struct Expectation {
  std::string client;
  std::string versions;  // "*" or ">=1.5.1 <2.18.0"
  std::vector<std::string> transports;
  std::string side;  // client or server
  std::string rule;  // audit rule id, session-fails or session-hangs
  std::string reference;
  std::string reason;
  std::string source;  // file:line, for messages

  // `transports` may name a bare transport ("unix": against every server) or a column
  // ("unix@dropbear-i": against that server only).
  bool covers(const std::string& client_name, const std::string& client_version,
              const std::string& transport, const std::string& column) const;
};

// Throws with file:line and what is wrong on a malformed line.
std::vector<Expectation> load_expectations(const std::filesystem::path& file);
// fixtures/expectations.txt, or SSHTC_EXPECTATIONS.
const std::vector<Expectation>& default_expectations();

// Does "2.10.1+fix-dcd1c61" (or "asyncssh 2.10.1") satisfy ">=1.5.1 <2.18.0"?
bool version_in_range(const std::string& version, const std::string& range);

}  // namespace sshtc
