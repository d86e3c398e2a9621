#include "throughput.hpp"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <map>
#include <sstream>

namespace sshtc {

std::string throughput_table(const std::vector<CaseRecord>& records) {
  std::vector<std::string> cases, clients;  // in the order the records first name them
  std::map<std::pair<std::string, std::string>, std::vector<double>> rates;
  auto add = [](std::vector<std::string>& list, const std::string& name) {
    if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
  };
  for (const auto& record : records) {
    if (record.bytes == 0) continue;
    std::string name = record.scenario + "/" + record.test;
    add(cases, name);
    add(clients, record.client);
    // A case records its bytes only when every one arrived: XFAIL cells whose session worked
    // (a known harmless call) count too.
    rates[{record.client, name}].push_back(record.mb_per_s());
  }
  if (cases.empty()) return "";
  size_t client_width = 6;
  for (const auto& client : clients) client_width = std::max(client_width, client.size());
  std::ostringstream out;
  out << "throughput, MB/s: the median over a client's cells where every byte arrived, each the session's "
         "(handshake included)\n";
  out << std::left << std::setw(static_cast<int>(client_width + 2)) << "client";
  for (const auto& name : cases) out << std::setw(static_cast<int>(std::max<size_t>(name.size(), 8) + 2)) << name;
  out << "\n";
  for (const auto& client : clients) {
    out << std::setw(static_cast<int>(client_width + 2)) << client;
    for (const auto& name : cases) {
      auto found = rates.find({client, name});
      std::string cell = "-";
      if (found != rates.end() && !found->second.empty()) {
        auto values = found->second;
        std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
        char text[32];
        std::snprintf(text, sizeof text, "%.1f", values[values.size() / 2]);
        cell = text;
      }
      out << std::setw(static_cast<int>(std::max<size_t>(name.size(), 8) + 2)) << cell;
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace sshtc
