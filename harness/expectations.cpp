#include "expectations.hpp"

#include "../transports/variant.hpp"
#include "stdio_hygiene.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "../audit/audit_rules.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

std::vector<std::string> split(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + separator.size()) {
    parts.push_back(trim(text.substr(start, at - start)));
  }
  parts.push_back(trim(text.substr(start)));
  return parts;
}

// The numeric components of the first token that starts with a digit: "libssh 0.10.6" → 0,10,6.
std::vector<long> version_numbers(const std::string& text) {
  if (text.rfind("unknown", 0) == 0) return {};  // what version() says when it could not tell
  std::istringstream words(text);
  std::string word;
  while (words >> word && !std::isdigit(static_cast<unsigned char>(word[0]))) {
  }
  std::vector<long> numbers;
  size_t at = 0;
  while (at < word.size() && std::isdigit(static_cast<unsigned char>(word[at]))) {
    size_t end = at;
    while (end < word.size() && std::isdigit(static_cast<unsigned char>(word[end]))) ++end;
    numbers.push_back(std::stol(word.substr(at, end - at)));
    if (end >= word.size() || word[end] != '.') break;
    at = end + 1;
  }
  return numbers;
}

int compare_versions(std::vector<long> a, std::vector<long> b) {
  size_t size = std::max(a.size(), b.size());
  a.resize(size);
  b.resize(size);
  return a < b ? -1 : a > b ? 1 : 0;
}

}  // namespace

bool version_in_range(const std::string& version, const std::string& range) {
  if (range == "*") return true;
  auto have = version_numbers(version);
  if (have.empty()) return false;  // an unknown version matches no range but "*"
  std::istringstream conditions(range);
  for (std::string condition; conditions >> condition;) {
    std::string op = condition.substr(0, condition.find_first_of("0123456789"));
    int order = compare_versions(have, version_numbers(condition.substr(op.size())));
    bool ok = op == ">=" ? order >= 0 : op == ">" ? order > 0 : op == "<=" ? order <= 0
            : op == "<"  ? order < 0  : op == "=" || op.empty() ? order == 0 : false;
    if (!ok) return false;
  }
  return true;
}

namespace {

bool glob_matches(const std::string& pattern, const std::string& name) {
  return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

// A bare transport entry holds against every server; transport@server against that one only.
// An entry that names no variant holds for the variants of its transport too ("socketpair"
// covers "socketpair~frag1"): a variant keeps its base's kind of descriptor, and so the base's
// known calls; "socketpair~frag1" or "*~frag1" names a variant's own.
bool entry_matches(const std::string& entry, const std::string& transport, const std::string& server) {
  const std::string& named = entry.find('~') == std::string::npos ? split_variant(transport).first : transport;
  return entry.find('@') == std::string::npos ? glob_matches(entry, named)
                                              : glob_matches(entry, named + "@" + server);
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// Dead lines are errors: a misspelt name would silently expect nothing.
void check_names(const Expectation& e, const MatrixNames& names) {
  const auto& rows = e.side == "client" ? names.clients : names.servers;
  if (std::none_of(rows.begin(), rows.end(), [&](const auto& row) { return glob_matches(e.client, row); })) {
    throw std::runtime_error(e.source + ": no " + e.side + " is named '" + e.client + "' (" + e.side +
                             "s: " + joined(rows) + ")");
  }
  for (const auto& glob : e.scenarios) {
    bool one_case = glob.find('/') != std::string::npos;
    const auto& known = one_case ? names.cases : names.scenarios;
    if (std::none_of(known.begin(), known.end(), [&](const auto& name) { return glob_matches(glob, name); })) {
      throw std::runtime_error(e.source + ": no " + (one_case ? "case is named '" : "scenario is named '") + glob +
                               "' (" + (one_case ? "cases: " : "scenarios: ") + joined(known) + ")");
    }
  }
  for (const auto& entry : e.transports) {
    bool some_column = std::any_of(names.columns.begin(), names.columns.end(), [&](const auto& column) {
      return entry_matches(entry, column.first, column.second);
    });
    if (!some_column) {
      std::vector<std::string> transports;
      for (const auto& [transport, server] : names.columns) {
        if (std::find(transports.begin(), transports.end(), transport) == transports.end()) {
          transports.push_back(transport);
        }
      }
      throw std::runtime_error(e.source + ": '" + entry + "' names no column of the matrix (transports: " +
                               joined(transports) + "; servers: " + joined(names.servers) +
                               "; a column is transport@server)");
    }
  }
}

}  // namespace

bool Expectation::covers(const std::string& name, const std::string& version,
                         const std::string& transport, const std::string& server,
                         const std::string& scenario, const std::string& test) const {
  auto scenario_matches = [&](const std::string& glob) {
    return glob.find('/') == std::string::npos ? glob_matches(glob, scenario) : glob_matches(glob, scenario + "/" + test);
  };
  return glob_matches(client, name) && version_in_range(version, versions) &&
         std::any_of(scenarios.begin(), scenarios.end(), scenario_matches) &&
         std::any_of(transports.begin(), transports.end(),
                     [&](const std::string& entry) { return entry_matches(entry, transport, server); });
}

std::vector<Expectation> load_expectations(const fs::path& file, const MatrixNames& names) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read the expectations file " + file.string());
  std::vector<Expectation> expectations;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    std::string where = file.string() + ":" + std::to_string(number);
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    auto fields = split(line, " | ");
    if (fields.size() != 8) {
      throw std::runtime_error(where + ": expected 8 fields separated by ' | ' (client, versions, "
                               "transports, scenarios, side, rule, reference, reason), found " +
                               std::to_string(fields.size()));
    }
    Expectation e{fields[0], fields[1], split(fields[2], ","), fields[4], fields[5],
                  fields[6], fields[7], where, split(fields[3], ",")};
    // A misspelt rule would never match, and its cells would read XPASS for the wrong reason.
    // Beside the audit's rules: the stdio rule, the faults' rules and the session's outcomes.
    std::vector<std::string> others = {kNonblockLeftOnSharedStdio};
    for (const auto& id : fault_rules()) others.push_back(id);
    for (const auto& id : {kSessionFails, kSessionHangs}) others.push_back(id);
    if (!is_rule(e.rule) && e.rule != kSessionMayHang && std::find(others.begin(), others.end(), e.rule) == others.end()) {
      throw std::runtime_error(where + ": unknown rule '" + e.rule + "' (an audit rule id, " + joined(others) + " or " +
                               kSessionMayHang + ")");
    }
    if (e.side != "client" && e.side != "server") {
      throw std::runtime_error(where + ": side must be client or server, not '" + e.side + "'");
    }
    for (const auto& field : fields) {
      if (field.empty()) throw std::runtime_error(where + ": an empty field");
    }
    if (e.versions != "*" && version_numbers(e.versions.substr(e.versions.find_first_of("0123456789"))).empty()) {
      throw std::runtime_error(where + ": cannot read the version range '" + e.versions + "'");
    }
    check_names(e, names);
    expectations.push_back(e);
  }
  return expectations;
}

fs::path expectations_file() {
  const char* custom = std::getenv("SSHTC_EXPECTATIONS");
  return custom && *custom ? fs::path(custom) : fs::path(SSHTC_FIXTURES_DIR) / "expectations.txt";
}

}  // namespace sshtc
