#include "matrix_text.hpp"

#include <algorithm>
#include <iomanip>
#include <map>
#include <sstream>

#include "../transports/transport.hpp"

namespace sshtc {
namespace {

int severity(const std::string& verdict) {
  static const std::vector<std::string> order = {"SKIP", "PASS", "XFAIL", "XPASS", "FAIL"};
  auto found = std::find(order.begin(), order.end(), verdict);
  return found == order.end() ? static_cast<int>(order.size()) : static_cast<int>(found - order.begin());
}

struct CellSummary {
  std::string verdict;
  std::string reason;
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Columns in the transports' registry order, then whatever else was recorded.
std::vector<std::string> column_order(const std::vector<CaseRecord>& records) {
  std::vector<std::string> columns;
  auto add = [&](const std::string& name) {
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
  };
  std::vector<std::string> recorded;
  for (const auto& record : records) recorded.push_back(record.transport);
  for (const auto& transport : all_transports()) {
    if (std::find(recorded.begin(), recorded.end(), transport->name()) != recorded.end()) {
      add(transport->name());
    }
  }
  std::sort(recorded.begin(), recorded.end());
  for (const auto& name : recorded) add(name);
  return columns;
}

}  // namespace

std::string combine_verdicts(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  return severity(a) >= severity(b) ? a : b;
}

Matrix render_matrix(const std::vector<CaseRecord>& records) {
  Matrix matrix;
  std::vector<std::string> rows;
  std::map<std::string, std::string> versions;
  std::map<std::pair<std::string, std::string>, CellSummary> cells;
  for (const auto& record : records) {
    if (std::find(rows.begin(), rows.end(), record.client) == rows.end()) rows.push_back(record.client);
    versions[record.client] = record.client_version;
    auto& cell = cells[{record.client, record.transport}];
    std::string combined = combine_verdicts(cell.verdict, record.verdict);
    if (combined != cell.verdict || cell.reason.empty()) {
      cell.reason = record.verdict == "PASS" ? cell.reason
                                             : record.test + ": " + first_line(record.reason);
    }
    cell.verdict = combined;
  }
  std::sort(rows.begin(), rows.end());
  auto columns = column_order(records);

  std::vector<std::string> notes;
  std::ostringstream out;
  size_t name_width = 8, version_width = 7;
  for (const auto& row : rows) {
    name_width = std::max(name_width, row.size());
    version_width = std::max(version_width, versions[row].size());
  }
  out << std::left << std::setw(static_cast<int>(name_width + 2)) << "client"
      << std::setw(static_cast<int>(version_width + 2)) << "version";
  for (const auto& column : columns) out << std::setw(static_cast<int>(std::max<size_t>(column.size(), 9) + 2)) << column;
  out << "\n";
  for (const auto& row : rows) {
    out << std::setw(static_cast<int>(name_width + 2)) << row
        << std::setw(static_cast<int>(version_width + 2)) << versions[row];
    for (const auto& column : columns) {
      std::string text = "-";
      auto found = cells.find({row, column});
      if (found != cells.end()) {
        ++matrix.cells;
        const CellSummary& cell = found->second;
        text = cell.verdict;
        if (cell.verdict == "FAIL" || cell.verdict == "XPASS") matrix.gate_passed = false;
        if (cell.verdict != "PASS") {
          std::string note = row + " over " + column + ": " + cell.verdict + ", " + cell.reason;
          notes.push_back(note);
          text += " " + std::to_string(notes.size());
        }
      }
      out << std::setw(static_cast<int>(std::max<size_t>(column.size(), 9) + 2)) << text;
    }
    out << "\n";
  }
  if (!notes.empty()) out << "\n";
  for (size_t i = 0; i < notes.size(); ++i) out << std::setw(4) << std::right << (i + 1) << std::left << "  " << notes[i] << "\n";
  // The server's findings, once per column and call: they are about sshd, not the clients.
  std::map<std::string, std::vector<std::string>> server_findings;
  for (const auto& record : records) {
    std::stringstream parts(record.server_findings);
    for (std::string part; std::getline(parts, part, ';');) {
      if (part.empty()) continue;
      if (part[0] == ' ') part.erase(0, 1);
      auto& seen = server_findings[record.transport];
      if (std::find(seen.begin(), seen.end(), part) == seen.end()) seen.push_back(part);
    }
  }
  if (!server_findings.empty()) out << "\nserver findings (sshd -i, same rules):\n";
  for (const auto& [column, findings] : server_findings) {
    for (const auto& finding : findings) out << "  " << column << ": " << finding << "\n";
  }
  matrix.text = out.str();
  return matrix;
}

}  // namespace sshtc
