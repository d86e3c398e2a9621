#include "json_report.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

using nlohmann::json;

namespace sshtc {
namespace {

void add_once(json& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

std::string matrix_json(const RunFacts& facts, const AccountedRun& run, bool gate_passed) {
  json implementations = json::array();
  for (const auto& fields : facts.implementations) {
    implementations.push_back(
        {{"role", fields[0]}, {"name", fields[1]}, {"mode", fields[2] == "-" ? "" : fields[2]}, {"version", fields[3]}});
  }
  json about = {{"implementations", implementations}};
  for (const auto& [key, value] : facts.run) about[key] = value;

  json axes = {{"clients", json::array()}, {"servers", json::array()}, {"transports", json::array()},
               {"columns", json::array()}, {"scenarios", json::array()}};
  json records = json::array();
  std::map<std::string, int> counts;
  for (const auto& record : run.records) {
    add_once(axes["clients"], record.client);
    add_once(axes["servers"], record.server());
    add_once(axes["transports"], record.transport_name());
    add_once(axes["columns"], record.transport);
    add_once(axes["scenarios"], record.scenario);
    ++counts[to_string(record.verdict)];
    records.push_back(json::parse(record_json(record)));
  }
  json document = {{"schema", "ssh-transport-conformance/matrix"},
                   {"schema_version", kMatrixSchemaVersion},
                   {"run", about},
                   {"axes", axes},
                   {"gate", {{"passed", gate_passed}, {"problems", run.run_problems}}},
                   {"counts", counts},
                   {"records", records}};
  return document.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace sshtc
