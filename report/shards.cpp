#include "shards.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace sshtc {
namespace {

Shard shard_of_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  json document;
  try {
    document = json::parse(in);
    if (document.value("schema", "") != "ssh-transport-conformance/matrix") {
      throw std::runtime_error("not a matrix.json (its \"schema\" is not ssh-transport-conformance/matrix)");
    }
    if (document.at("schema_version") != 1) {
      throw std::runtime_error("schema version " + document.at("schema_version").dump() + ", this report reads 1");
    }
    Shard shard;
    shard.source = path;
    for (const auto& [key, value] : document.at("run").items()) {
      if (key != "implementations") shard.facts.run[key] = value.get<std::string>();
    }
    for (const auto& each : document.at("run").at("implementations")) {
      std::string mode = each.at("mode");
      shard.facts.implementations.push_back({each.at("role"), each.at("name"), mode.empty() ? "-" : mode, each.at("version")});
      if (each.at("role") == "server") shard.facts.server_versions[each.at("name")] = each.at("version");
    }
    for (const auto& problem : document.at("gate").at("problems")) shard.run.run_problems.push_back(problem);
    for (const auto& record : document.at("records")) shard.run.records.push_back(parse_record(record.dump()));
    return shard;
  } catch (const std::exception& error) {
    throw std::runtime_error(path + ": " + error.what());
  }
}

}  // namespace

Shard load_shard(const std::string& path) {
  if (fs::is_directory(path)) {
    Shard shard;
    shard.source = path;
    shard.facts = read_run_facts(path);
    shard.run = account(shard.facts, read_records(path));
    return shard;
  }
  return shard_of_json(path);
}

Shard merge_shards(const std::vector<Shard>& shards) {
  if (shards.size() == 1) return shards.front();
  Shard merged;
  std::map<std::string, std::pair<Verdict, std::string>> seen;  // case → its verdict, its source
  std::map<std::pair<std::string, std::string>, bool> listed;   // (role, name) of implementations
  for (const auto& shard : shards) {
    merged.source += (merged.source.empty() ? "" : " + ") + shard.source;
    for (const auto& [key, value] : shard.facts.run) merged.facts.run.emplace(key, value);
    for (const auto& [name, version] : shard.facts.server_versions) merged.facts.server_versions.emplace(name, version);
    for (const auto& each : shard.facts.implementations) {
      if (!listed[{each[0], each[1]}]) merged.facts.implementations.push_back(each);
      listed[{each[0], each[1]}] = true;
    }
    for (const auto& problem : shard.run.run_problems) merged.run.run_problems.push_back(shard.source + ": " + problem);
    for (const auto& record : shard.run.records) {
      auto [earlier, first] = seen.emplace(record.ctest_name(), std::make_pair(record.verdict, shard.source));
      if (first) {
        merged.run.records.push_back(record);
      } else if (earlier->second.first != record.verdict) {
        throw std::runtime_error("the case " + record.ctest_name() + " is " + to_string(earlier->second.first) +
                                 " in " + earlier->second.second + " but " + to_string(record.verdict) + " in " +
                                 shard.source + ": shards of one run must agree");
      }
    }
  }
  return merged;
}

}  // namespace sshtc
