// Expectations are data (fixtures/expectations.txt): known findings with their upstream
// reference. They turn a failing cell into XFAIL and a clean one into XPASS.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace sshtc {

// Outcomes an expectation may name instead of an audit rule: the session failed with no
// socket-call finding to explain it, or the client hung (it did not notice its stream end).
inline const std::string kSessionFails = "session-fails";
inline const std::string kSessionHangs = "session-hangs";
// The client hangs in some runs and not in others, a race of its own: either outcome is known,
// and a clean run is no sign of a stale line.
inline const std::string kSessionMayHang = "session-may-hang";

// Every name the matrix has. A line naming anything else could never match, so it is an error.
struct MatrixNames {
  std::vector<std::string> clients;
  std::vector<std::string> servers;
  std::vector<std::pair<std::string, std::string>> columns;  // (transport, server)
  std::vector<std::string> scenarios;
  std::vector<std::string> cases;  // "exec/EndsWhenItsReaderQuits": what a scenario entry may narrow to
};

struct Expectation {
  std::string client;    // a client (side client) or a server (side server); a glob
  std::string versions;  // "*" or ">=1.5.1 <2.18.0"
  // Globs: a transport ("unix": against every server) or transport@server ("*@dropbear-i").
  std::vector<std::string> transports;
  std::string side;  // client or server
  std::string rule;  // audit rule id, session-fails or session-hangs
  std::string reference;
  std::string reason;
  std::string source;  // file:line, for messages
  // Globs: a scenario ("exec"), or one case of it ("exec/EndsWhenItsReaderQuits"), so that an
  // outcome known for one case (a hang) does not hide the same outcome in the others.
  std::vector<std::string> scenarios = {"*"};

  bool covers(const std::string& name, const std::string& version, const std::string& transport,
              const std::string& server, const std::string& scenario, const std::string& test = "") const;
};

// Throws with file:line and what is wrong on a malformed line, or on one that names a client,
// server, transport or column that `names` does not have.
std::vector<Expectation> load_expectations(const std::filesystem::path& file, const MatrixNames& names);
// fixtures/expectations.txt, or SSHTC_EXPECTATIONS.
std::filesystem::path expectations_file();

// Does "2.10.1+fix-dcd1c61" (or "asyncssh 2.10.1") satisfy ">=1.5.1 <2.18.0"?
bool version_in_range(const std::string& version, const std::string& range);

}  // namespace sshtc
