#include "case_record.hpp"

#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace sshtc {
namespace {

// Tab-separated, one record a file: reasons hold tabs and newlines, so they are escaped.
std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    char next = text[++i];
    out += next == 't' ? '\t' : next == 'n' ? '\n' : next;
  }
  return out;
}

std::string file_name(const CaseRecord& record) {
  std::string name = record.client + "." + record.transport + "." + record.scenario + "." +
                     record.test + ".tsv";
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return name;
}

}  // namespace

std::string ctest_name(const std::string& scenario, const std::string& client, const std::string& column,
                       const std::string& test) {
  return scenario + "/" + client + "/" + column + "/" + test;
}

std::string CaseRecord::ctest_name() const { return sshtc::ctest_name(scenario, client, transport, test); }

void write_record(const fs::path& results_dir, const CaseRecord& record) {
  fs::create_directories(results_dir);
  // Whole or absent: a reader never sees half a record, even when the writer is killed.
  fs::path path = results_dir / file_name(record);
  fs::path partial = path.string() + ".partial";
  std::ofstream out(partial, std::ios::trunc);
  out << escape(record.client) << '\t' << escape(record.client_version) << '\t'
      << escape(record.transport) << '\t' << escape(record.scenario) << '\t'
      << escape(record.test) << '\t' << to_string(record.verdict) << '\t' << escape(record.reason)
      << '\t' << record.seconds << '\t' << escape(record.server_findings) << '\t' << escape(record.role)
      << '\n';
  out.close();
  if (!out) throw std::runtime_error("cannot write the record " + partial.string());
  fs::rename(partial, path);
}

void remove_records(const fs::path& results_dir) {
  if (!fs::exists(results_dir)) return;
  for (const auto& entry : fs::directory_iterator(results_dir)) {
    auto extension = entry.path().extension();
    auto name = entry.path().filename();
    if (extension == ".tsv" || extension == ".partial" || name == "setup-failed.txt" || name == "implementations.txt") {
      fs::remove(entry.path());
    }
  }
}

std::vector<CaseRecord> read_records(const fs::path& results_dir) {
  std::vector<CaseRecord> records;
  if (!fs::exists(results_dir)) return records;
  for (const auto& entry : fs::directory_iterator(results_dir)) {
    if (entry.path().extension() != ".tsv") continue;
    std::ifstream in(entry.path());
    std::string line;
    std::getline(in, line);
    // By hand: getline would drop an empty last field.
    std::vector<std::string> fields;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      fields.push_back(unescape(line.substr(start, tab - start)));
    }
    fields.push_back(unescape(line.substr(start)));
    if (fields.size() != 10) {
      throw std::runtime_error(entry.path().string() + ": expected 10 tab-separated fields, found " +
                               std::to_string(fields.size()));
    }
    auto verdict = parse_verdict(fields[5]);
    if (!verdict) throw std::runtime_error(entry.path().string() + ": unknown verdict '" + fields[5] + "'");
    records.push_back({fields[0], fields[1], fields[2], fields[3], fields[4], *verdict,
                       fields[6], std::stod(fields[7]), fields[8], fields[9]});
  }
  return records;
}

}  // namespace sshtc
