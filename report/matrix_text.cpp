#include "matrix_text.hpp"

#include <algorithm>
#include <iomanip>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

#include "../harness/implementation.hpp"
#include "../harness/judge.hpp"
#include "../transports/transport.hpp"

namespace sshtc {
namespace {

constexpr int kCellWidth = 15;  // "socketpair", "NO-VERDICT 123"

struct CellSummary {
  std::optional<Verdict> verdict;
  std::string reason;
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Columns grouped by server ("socketpair", then "socketpair@dropbear-i", ...), each group in
// the transports' registry order.
std::vector<std::string> column_order(const std::vector<CaseRecord>& records) {
  auto key = [](const std::string& column) {
    std::string transport = transport_of_column(column);
    // The reference server's columns first.
    std::string server = server_of_column(column) == kReferenceServer ? "" : server_of_column(column);
    const auto& transports = all_transports();
    auto index = std::find_if(transports.begin(), transports.end(),
                              [&](const auto& t) { return t->name() == transport; }) -
                 transports.begin();
    return std::make_tuple(server, index, transport);
  };
  std::vector<std::string> columns;
  for (const auto& record : records) {
    if (std::find(columns.begin(), columns.end(), record.transport) == columns.end()) {
      columns.push_back(record.transport);
    }
  }
  std::sort(columns.begin(), columns.end(),
            [&](const std::string& a, const std::string& b) { return key(a) < key(b); });
  return columns;
}

std::string count_verdicts(const std::vector<CaseRecord>& records) {
  std::map<Verdict, int> counts;
  for (const auto& record : records) ++counts[record.verdict];
  std::string text;
  for (const auto& [verdict, count] : counts) {
    text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + to_string(verdict);
  }
  return text;
}

}  // namespace

Matrix render_matrix(const std::vector<CaseRecord>& records,
                     const std::map<std::string, std::string>& server_versions) {
  Matrix matrix;
  std::vector<std::string> rows;
  std::map<std::string, std::string> versions;
  std::map<std::pair<std::string, std::string>, CellSummary> cells;
  for (const auto& record : records) {
    if (std::find(rows.begin(), rows.end(), record.client) == rows.end()) rows.push_back(record.client);
    if (!record.client_version.empty()) versions[record.client] = record.client_version;
    auto& cell = cells[{record.client, record.transport}];
    Verdict combined = cell.verdict ? worse(*cell.verdict, record.verdict) : record.verdict;
    if (combined != cell.verdict || cell.reason.empty()) {
      cell.reason =
          record.verdict == Verdict::Pass ? cell.reason : record.test + ": " + first_line(record.reason);
    }
    cell.verdict = combined;
  }
  std::sort(rows.begin(), rows.end());
  auto columns = column_order(records);
  // A server that failed the compliance probe has one error, not a table of them (like a
  // client's row below).
  std::map<std::string, std::string> table_errors;  // server → its reason
  for (const auto& record : records) {
    std::string server = server_of_column(record.transport);
    bool failed = record.verdict == Verdict::Fail &&
                  record.reason.rfind(kNotCompliant + "the server " + server + ": ", 0) == 0;
    if (!failed) {
      table_errors[server] = "";
    } else if (!table_errors.count(server)) {
      table_errors[server] = first_line(record.reason);
    }
  }
  // A client that failed the compliance probe has one error, not a row of them: its note is
  // made once, and its cells in every table point to it.
  std::map<std::string, std::string> row_errors;  // row → its reason
  std::map<std::string, size_t> row_notes;
  for (const auto& row : rows) {
    bool all = true;
    std::string reason;
    for (const auto& record : records) {
      if (record.client != row) continue;
      all = all && record.verdict == Verdict::Fail && record.reason.rfind(kNotCompliant, 0) == 0 &&
            record.reason.rfind(kNotCompliant + "the server ", 0) != 0;
      reason = first_line(record.reason);
    }
    if (all) row_errors[row] = reason;
  }

  std::vector<std::string> notes;
  std::ostringstream out;
  size_t name_width = 8, version_width = 7;
  for (const auto& row : rows) {
    name_width = std::max(name_width, row.size());
    version_width = std::max(version_width, versions[row].size());
  }
  // The suite's own controls in tables of their own after the implementations'; notes are
  // numbered across all.
  std::map<std::string, size_t> table_notes;
  // "PASS", "XFAIL 3" (its note made now), "-" where the row has no case; counts the cell.
  auto cell_text = [&](const std::string& row, const std::string& column) -> std::string {
    auto found = cells.find({row, column});
    if (found == cells.end()) return "-";
    ++matrix.cells;
    std::string server = server_of_column(column);
    if (!table_errors[server].empty()) {
      matrix.gate_passed = false;
      if (!table_notes.count(server)) {
        notes.push_back("server " + server + ": FAIL in every cell, " + table_errors[server]);
        table_notes[server] = notes.size();
      }
      return "FAIL " + std::to_string(table_notes[server]);
    }
    if (auto row_error = row_errors.find(row); row_error != row_errors.end()) {
      matrix.gate_passed = false;
      if (!row_notes.count(row)) {
        notes.push_back(row + ": FAIL in every cell, " + row_error->second);
        row_notes[row] = notes.size();
      }
      return "FAIL " + std::to_string(row_notes[row]);
    }
    const CellSummary& cell = found->second;
    std::string text = to_string(*cell.verdict);
    if (fails_gate(*cell.verdict)) matrix.gate_passed = false;
    if (cell.verdict == Verdict::Pass) return text;
    notes.push_back(row + " over " + column + ": " + text + ", " + cell.reason);
    return text + " " + std::to_string(notes.size());
  };
  std::map<std::string, std::string> roles;
  for (const auto& record : records) roles[record.client] = record.role;
  bool first_table = true;
  for (const std::string role : {"client", "control"}) {
    std::vector<std::string> role_rows;
    for (const auto& row : rows) {
      if (roles[row] == role) role_rows.push_back(row);
    }
    if (role_rows.empty()) continue;
    for (size_t first = 0; first < columns.size();) {
      std::string server = server_of_column(columns[first]);
      size_t last = first;
      while (last < columns.size() && server_of_column(columns[last]) == server) ++last;
      if (!first_table) out << "\n";
      first_table = false;
      auto known = server_versions.find(server);
      out << (role == "control" ? "controls, server " : "server ") << server
          << (known == server_versions.end() ? "" : " (" + known->second + ")") << "\n";
      out << std::left << std::setw(static_cast<int>(name_width + 2)) << role
          << std::setw(static_cast<int>(version_width + 2)) << "version";
      // A variant's name ("socketpair~coalesce") may be wider than a cell.
      auto width = [&](size_t c) {
        return std::max<int>(kCellWidth, static_cast<int>(transport_of_column(columns[c]).size()) + 2);
      };
      for (size_t c = first; c < last; ++c) out << std::setw(width(c)) << transport_of_column(columns[c]);
      out << "\n";
      for (const auto& row : role_rows) {
        out << std::setw(static_cast<int>(name_width + 2)) << row
            << std::setw(static_cast<int>(version_width + 2)) << versions[row];
        for (size_t c = first; c < last; ++c) out << std::setw(width(c)) << cell_text(row, columns[c]);
        out << "\n";
      }
      first = last;
    }
  }
  if (!notes.empty()) out << "\n";
  for (size_t i = 0; i < notes.size(); ++i) {
    out << std::setw(4) << std::right << (i + 1) << std::left << "  " << notes[i] << "\n";
  }
  // The servers' findings, each once, with the columns it was seen in: they are about the
  // server, not the clients.
  std::vector<std::pair<std::string, std::vector<std::string>>> server_findings;
  for (const auto& record : records) {
    std::stringstream parts(record.server_findings);
    for (std::string part; std::getline(parts, part, ';');) {
      if (part.empty()) continue;
      if (part[0] == ' ') part.erase(0, 1);
      auto found = std::find_if(server_findings.begin(), server_findings.end(),
                                [&](const auto& entry) { return entry.first == part; });
      if (found == server_findings.end()) {
        server_findings.push_back({part, {}});
        found = server_findings.end() - 1;
      }
      if (std::find(found->second.begin(), found->second.end(), record.transport) == found->second.end()) {
        found->second.push_back(record.transport);
      }
    }
  }
  if (!server_findings.empty()) out << "\nserver findings (judged by the same rules):\n";
  for (auto& [finding, seen_in] : server_findings) {
    std::sort(seen_in.begin(), seen_in.end());
    std::string columns;
    for (const auto& column : seen_in) columns += (columns.empty() ? "" : ", ") + column;
    out << "  " << finding << "\n      in " << columns << "\n";
  }
  matrix.text = out.str();
  matrix.verdict_counts = count_verdicts(records);
  return matrix;
}

}  // namespace sshtc
