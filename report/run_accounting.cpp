#include "run_accounting.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include "../base/process.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

std::optional<std::string> text_of(const fs::path& path) {
  if (!fs::exists(path)) return std::nullopt;
  std::string text = read_file(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// "exec/libssh/socketpair@dropbear-i/EchoRoundTrip" → its record's fields.
CaseRecord record_named(const std::string& name) {
  CaseRecord record;
  std::vector<std::string> parts;
  std::stringstream in(name);
  for (std::string part; std::getline(in, part, '/');) parts.push_back(part);
  if (parts.size() == 4) {
    record.scenario = parts[0];
    record.client = parts[1];
    record.transport = parts[2];
    record.test = parts[3];
  } else {
    record.client = name;  // not a matrix case's name; still counted, under its own name
  }
  return record;
}

}  // namespace

std::map<std::string, std::string> parse_ctest_outcomes(const std::string& log) {
  static const std::regex line(R"(^\s*\d+/\d+ Test\s+#\d+: (\S+) \.*\s*(\S.*?)\s+[0-9.]+ sec\s*$)");
  std::map<std::string, std::string> outcomes;
  std::istringstream in(log);
  for (std::string text; std::getline(in, text);) {
    std::smatch match;
    if (std::regex_match(text, match, line)) outcomes[match[1]] = match[2];
  }
  return outcomes;
}

RunFacts read_run_facts(const fs::path& dir) {
  RunFacts facts;
  if (auto declared = text_of(dir / "declared.txt")) {
    facts.declared.emplace();
    std::istringstream in(*declared);
    for (std::string name; std::getline(in, name);) {
      if (!name.empty()) facts.declared->push_back(name);
    }
  }
  facts.listing_error = text_of(dir / "listing-failed.txt");
  facts.setup_error = text_of(dir / "setup-failed.txt");
  if (auto code = text_of(dir / "ctest-exit.txt")) facts.ctest_exit = std::atoi(code->c_str());
  if (auto log = text_of(dir / "ctest.log")) facts.ctest_outcomes = parse_ctest_outcomes(*log);
  if (auto listed = text_of(dir / "implementations.txt")) {
    std::istringstream in(*listed);
    for (std::string line; std::getline(in, line);) {
      // role, name, mode, version
      std::istringstream fields(line);
      std::string role, name, mode, version;
      if (std::getline(fields, role, '\t') && std::getline(fields, name, '\t') && std::getline(fields, mode, '\t') &&
          std::getline(fields, version)) {
        facts.implementations.push_back({role, name, mode, version});
        if (role == "server") facts.server_versions[name] = version;
      }
    }
  }
  if (auto said = text_of(dir / "run.txt")) {
    std::istringstream in(*said);
    for (std::string line; std::getline(in, line);) {
      auto equals = line.find('=');
      if (equals != std::string::npos) facts.run[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }
  return facts;
}

AccountedRun account(const RunFacts& facts, const std::vector<CaseRecord>& records) {
  AccountedRun run;
  if (facts.listing_error) run.run_problems.push_back("listing the matrix failed: " + *facts.listing_error);
  if (!facts.declared) {
    run.run_problems.push_back("no list of declared cases (declared.txt): nothing says what this run was to run");
    return run;
  }
  if (facts.declared->empty() && !facts.listing_error) {
    run.run_problems.push_back("no case was declared: the selection matches nothing");
  }
  std::map<std::string, const CaseRecord*> by_name;
  for (const auto& record : records) by_name[record.ctest_name()] = &record;
  size_t finished = 0;
  for (const auto& name : *facts.declared) finished += facts.ctest_outcomes.count(name);
  std::string exit = facts.ctest_exit ? "ctest exit " + std::to_string(*facts.ctest_exit) : "ctest's exit unknown";
  std::string stopped = "ctest stopped after " + std::to_string(finished) + " of " +
                        std::to_string(facts.declared->size()) + " cases (" + exit + ")";

  for (const auto& name : *facts.declared) {
    auto found = by_name.find(name);
    auto outcome = facts.ctest_outcomes.find(name);
    bool ctest_finished = outcome != facts.ctest_outcomes.end();
    CaseRecord record = found != by_name.end() ? *found->second : record_named(name);
    if (found == by_name.end()) {
      record.verdict = Verdict::NoVerdict;
      record.reason = facts.setup_error ? "set-up failed: " + *facts.setup_error
                      : ctest_finished  ? "ctest ran it (" + outcome->second + ") but it wrote no record: it "
                                          "crashed before it started, or its gtest filter matches no test"
                                        : "did not run: " + stopped;
    } else if (record.verdict == Verdict::NoVerdict) {
      // The case's own NO-VERDICT: it started and never replaced it.
      record.reason += ctest_finished ? " (ctest: " + outcome->second + ")" : "; " + stopped;
    }
    run.records.push_back(record);
  }
  return run;
}

}  // namespace sshtc
