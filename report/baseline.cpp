#include "baseline.hpp"

#include <map>
#include <set>

namespace sshtc {
namespace {

struct CellState {
  Verdict verdict = Verdict::Skip;
  std::string reason;           // of its worst case: "EchoRoundTrip: …"
  std::set<std::string> findings;  // "client: setsockopt(…)" of all its cases
  bool any = false;
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// "libssh over socketpair@dropbear-i" → its state, in a run.
std::map<std::string, CellState> cells_of(const Shard& shard) {
  std::map<std::string, CellState> cells;
  for (const auto& record : shard.run.records) {
    CellState& cell = cells[record.client + " over " + record.transport];
    Verdict combined = cell.any ? worse(cell.verdict, record.verdict) : record.verdict;
    if (!cell.any || combined != cell.verdict) cell.reason = record.test + ": " + first_line(record.reason);
    cell.verdict = combined;
    cell.any = true;
    for (const auto& finding : record.findings) {
      cell.findings.insert(finding.observation.side + ": " + finding.observation.description);
    }
  }
  return cells;
}

int severity(Verdict verdict) {
  switch (verdict) {
    case Verdict::Pass: return 0;
    case Verdict::XFail: return 1;
    case Verdict::Warn: return 2;
    case Verdict::XPass: return 3;
    case Verdict::Fail: return 4;
    case Verdict::NoVerdict: return 5;
    case Verdict::Skip: break;
  }
  return -1;
}

std::map<std::string, std::string> versions_of(const Shard& shard) {
  std::map<std::string, std::string> versions;
  for (const auto& each : shard.facts.implementations) versions[each[0] + " " + each[1]] = each[3];
  return versions;
}

}  // namespace

BaselineDiff diff_against(const Shard& baseline, const Shard& now) {
  BaselineDiff diff;
  auto before = cells_of(baseline), after = cells_of(now);
  for (const auto& [cell, state] : after) {
    auto old = before.find(cell);
    std::string now_text = to_string(state.verdict);
    if (old == before.end()) {
      diff.other.push_back(cell + ": new, " + now_text + (state.verdict == Verdict::Pass ? "" : ", " + state.reason));
      if (fails_gate(state.verdict)) {
        ++diff.regressions;
        diff.worse.push_back(cell + ": new and " + now_text + ", " + state.reason);
      }
      continue;
    }
    const CellState& was = old->second;
    std::string change = cell + ": " + to_string(was.verdict) + " → " + now_text;
    int from = severity(was.verdict), to = severity(state.verdict);
    if (from < 0 || to < 0) {
      if (from != to) diff.other.push_back(change + (state.verdict == Verdict::Pass ? "" : ", " + state.reason));
    } else if (to > from) {
      ++diff.regressions;
      diff.worse.push_back(change + ", " + state.reason);
    } else if (to < from) {
      diff.better.push_back(change);
    }
    for (const auto& finding : state.findings) {
      if (!was.findings.count(finding)) diff.other.push_back(cell + ": finding appeared: " + finding);
    }
    for (const auto& finding : was.findings) {
      if (!state.findings.count(finding)) diff.other.push_back(cell + ": finding vanished: " + finding);
    }
  }
  for (const auto& [cell, state] : before) {
    if (!after.count(cell)) diff.other.push_back(cell + ": gone (was " + to_string(state.verdict) + ")");
  }
  auto old_versions = versions_of(baseline);
  for (const auto& [who, version] : versions_of(now)) {
    auto old = old_versions.find(who);
    if (old != old_versions.end() && old->second != version) {
      diff.other.push_back(who + ": version " + old->second + " → " + version);
    }
  }
  return diff;
}

std::string BaselineDiff::text(const std::string& baseline_source) const {
  if (unchanged()) return "no change since " + baseline_source + "\n";
  std::string out = "since " + baseline_source + ":\n";
  for (const auto& [title, lines] : {std::pair<const char*, const std::vector<std::string>*>{"worse", &worse},
                                     {"better", &better}, {"changed", &other}}) {
    if (lines->empty()) continue;
    out += "  " + std::string(title) + " (" + std::to_string(lines->size()) + "):\n";
    for (const auto& line : *lines) out += "    " + line + "\n";
  }
  out += std::to_string(regressions) + (regressions == 1 ? " regression" : " regressions") + "\n";
  return out;
}

}  // namespace sshtc
