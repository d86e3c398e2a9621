#include "case_record.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "implementation.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace sshtc {
namespace {

std::string file_name(const CaseRecord& record) {
  std::string name = record.client + "." + record.transport + "." + record.scenario + "." +
                     record.test + ".json";
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return name;
}

// The descriptor as the audit saw it: "AF_UNIX/SOCK_STREAM", "pipe".
std::string descriptor_of(const AuditRecord& call) {
  if (call.kind != "socket") return call.kind;
  std::string text = call.family + "/" + call.type;
  if (!call.protocol.empty() && call.protocol != "0") text += "/" + call.protocol;
  return text;
}

// The call's text fields, by their names in the record: one list for writing and reading.
const std::pair<const char*, std::string AuditRecord::*> kCallText[] = {
    {"call", &AuditRecord::call},         {"kind", &AuditRecord::kind},   {"family", &AuditRecord::family},
    {"type", &AuditRecord::type},         {"protocol", &AuditRecord::protocol}, {"level", &AuditRecord::level},
    {"option", &AuditRecord::option},     {"errno", &AuditRecord::error}, {"library", &AuditRecord::caller}};

json finding_json(const JudgedFinding& judged) {
  const Observation& o = judged.observation;
  json j = {{"side", o.side},
            {"rule", o.rule},
            {"description", o.description},
            {"portability", o.portability},
            {"fd", o.call.fd},
            {"descriptor", descriptor_of(o.call)},
            {"is_transport", o.call.transport},
            {"result", o.call.ret},
            {"emulated", o.call.emulated},
            {"expectation", judged.expectation}};
  for (const auto& [key, field] : kCallText) j[key] = o.call.*field;
  return j;
}

JudgedFinding finding_of(const json& j) {
  JudgedFinding judged{{j.at("side"), j.at("rule"), j.at("description"), j.at("portability"), {}}, j.at("expectation")};
  AuditRecord& call = judged.observation.call;
  for (const auto& [key, field] : kCallText) call.*field = j.at(key).get<std::string>();
  call.fd = j.at("fd");
  call.transport = j.at("is_transport");
  call.ret = j.at("result");
  call.emulated = j.at("emulated");
  return judged;
}

}  // namespace

std::string ctest_name(const std::string& scenario, const std::string& client, const std::string& column,
                       const std::string& test) {
  return scenario + "/" + client + "/" + column + "/" + test;
}

std::string CaseRecord::ctest_name() const { return sshtc::ctest_name(scenario, client, transport, test); }

std::string CaseRecord::server() const { return server_of_column(transport); }

std::string CaseRecord::transport_name() const { return transport_of_column(transport); }

std::string record_json(const CaseRecord& record) {
  json findings = json::array();
  for (const auto& finding : record.findings) findings.push_back(finding_json(finding));
  json j = {{"name", record.ctest_name()},
            {"client", record.client},
            {"role", record.role},
            {"client_version", record.client_version},
            {"server", record.server()},
            {"transport", record.transport_name()},
            {"column", record.transport},
            {"scenario", record.scenario},
            {"case", record.test},
            {"verdict", to_string(record.verdict)},
            {"reason", record.reason},
            {"seconds", record.seconds},
            {"server_findings", record.server_findings},
            {"findings", findings},
            {"logs", {{"case_dir", record.case_dir},
                      {"adapter_stderr", record.adapter_stderr},
                      {"server_log", record.server_log}}}};
  if (record.seed != 0) j["seed"] = record.seed;
  if (record.bytes > 0) {
    j["bytes"] = record.bytes;
    j["mb_per_s"] = record.mb_per_s();
  }
  // Invalid UTF-8 (an adapter's garbage) is replaced, not a reason to lose the record.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

CaseRecord parse_record(const std::string& text) {
  json j = json::parse(text);
  CaseRecord record;
  record.client = j.at("client");
  record.role = j.at("role");
  record.client_version = j.at("client_version");
  record.transport = j.at("column");
  record.scenario = j.at("scenario");
  record.test = j.at("case");
  std::string verdict = j.at("verdict");
  auto parsed = parse_verdict(verdict);
  if (!parsed) throw std::runtime_error("unknown verdict '" + verdict + "'");
  record.verdict = *parsed;
  record.reason = j.at("reason");
  record.seconds = j.at("seconds");
  record.bytes = j.value("bytes", uint64_t{0});
  record.seed = j.value("seed", uint64_t{0});
  record.server_findings = j.at("server_findings");
  for (const auto& finding : j.at("findings")) record.findings.push_back(finding_of(finding));
  const json& logs = j.at("logs");
  record.case_dir = logs.at("case_dir");
  record.adapter_stderr = logs.at("adapter_stderr");
  record.server_log = logs.at("server_log");
  return record;
}

void write_record(const fs::path& results_dir, const CaseRecord& record) {
  fs::create_directories(results_dir);
  // Whole or absent: a reader never sees half a record, even when the writer is killed.
  fs::path path = results_dir / file_name(record);
  fs::path partial = path.string() + ".partial";
  std::ofstream out(partial, std::ios::trunc);
  out << record_json(record) << '\n';
  out.close();
  if (!out) throw std::runtime_error("cannot write the record " + partial.string());
  fs::rename(partial, path);
}

void remove_records(const fs::path& results_dir) {
  if (!fs::exists(results_dir)) return;
  for (const auto& entry : fs::directory_iterator(results_dir)) {
    auto extension = entry.path().extension();
    auto name = entry.path().filename();
    if (extension == ".json" || extension == ".partial" || name == "setup-failed.txt" ||
        name == "implementations.txt") {
      fs::remove(entry.path());
    }
  }
}

std::vector<CaseRecord> read_records(const fs::path& results_dir) {
  std::vector<CaseRecord> records;
  if (!fs::exists(results_dir)) return records;
  for (const auto& entry : fs::directory_iterator(results_dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    try {
      records.push_back(parse_record(text.str()));
    } catch (const std::exception& error) {
      throw std::runtime_error(entry.path().string() + ": not a case record: " + error.what());
    }
  }
  return records;
}

}  // namespace sshtc
