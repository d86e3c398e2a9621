#include "audit_record.hpp"

#include <algorithm>
#include <climits>
#include <fstream>
#include <set>
#include <tuple>
#include <stdexcept>

#include "flat_json_object.hpp"

namespace sshtc {
namespace {

template <typename Value>
const Value& member(const FlatJsonObject& object, const char* key, const char* type_name) {
  const auto found = object.find(key);
  if (found == object.end()) {
    throw std::invalid_argument(std::string("missing \"") + key + "\"");
  }
  const Value* value = std::get_if<Value>(&found->second);
  if (value == nullptr) {
    throw std::invalid_argument(std::string("\"") + key + "\" is not " + type_name);
  }
  return *value;
}

const std::string& text(const FlatJsonObject& object, const char* key) {
  return member<std::string>(object, key, "a string");
}

long long integer(const FlatJsonObject& object, const char* key) {
  return member<long long>(object, key, "an integer");
}

bool boolean(const FlatJsonObject& object, const char* key) {
  return member<bool>(object, key, "true or false");
}

AuditRecord parse_record(const std::string& line) {
  const FlatJsonObject object = parse_flat_json_object(line);
  AuditRecord record;
  record.pid = integer(object, "pid");
  const long long fd = integer(object, "fd");
  if (fd < INT_MIN || fd > INT_MAX) throw std::invalid_argument("\"fd\" is out of range");
  record.fd = static_cast<int>(fd);
  record.kind = text(object, "kind");
  record.family = text(object, "family");
  record.type = text(object, "type");
  record.protocol = text(object, "protocol");
  record.transport = boolean(object, "transport");
  record.call = text(object, "call");
  record.level = text(object, "level");
  record.option = text(object, "option");
  record.ret = integer(object, "ret");
  record.error = text(object, "errno");
  record.caller = text(object, "caller");
  record.emulated = boolean(object, "emulated");
  // Written by both backends since the syscall one came; older records are the preload's.
  if (object.count("backend")) record.backend = text(object, "backend");
  if (object.count("preload_loaded")) record.preload_loaded = boolean(object, "preload_loaded");
  if (record.backend != "preload" && record.backend != "syscall") {
    throw std::invalid_argument("\"backend\" is neither \"preload\" nor \"syscall\"");
  }
  return record;
}

bool is_audit_file(const std::filesystem::directory_entry& entry) {
  const std::string name = entry.path().filename().string();
  return entry.is_regular_file() && (name.rfind("audit.", 0) == 0 || name.rfind("syscall.", 0) == 0) &&
         entry.path().extension() == ".jsonl";
}

void read_audit_file(const std::filesystem::path& file, std::vector<AuditRecord>& records) {
  std::ifstream input(file);
  if (!input) throw std::runtime_error(file.string() + ": cannot open");
  std::string line;
  for (int number = 1; std::getline(input, line); ++number) {
    try {
      records.push_back(parse_record(line));
    } catch (const std::invalid_argument& error) {
      throw std::runtime_error(file.string() + ":" + std::to_string(number) +
                               ": malformed audit record: " + error.what());
    }
  }
}

// What makes two records the same call, whichever backend saw it.
auto same_call_key(const AuditRecord& record) {
  return std::make_tuple(record.pid, record.fd, record.syscall_name(), record.level, record.option, record.ret,
                         record.error);
}

// Whether a syscall record's call came from libc's shared object, where the preload sits between
// the caller and it.
bool from_shared_libc(const AuditRecord& record) { return record.caller.rfind("libc.so", 0) == 0; }

// Drops the syscall records of calls the preload recorded too, and marks the rest raw: in a
// process with the preload, every call the preload did not see; in one without it (a static
// binary, a run without the preload), every call not made from libc's shared object.
std::vector<AuditRecord> merge_backends(std::vector<AuditRecord> records) {
  std::multiset<decltype(same_call_key(records.front()))> by_preload;
  for (const AuditRecord& record : records) {
    if (record.backend == "preload") by_preload.insert(same_call_key(record));
  }
  std::vector<AuditRecord> merged;
  for (AuditRecord& record : records) {
    if (record.backend == "syscall" && record.preload_loaded) {
      auto seen = by_preload.find(same_call_key(record));
      if (seen != by_preload.end()) {
        by_preload.erase(seen);
        continue;
      }
      record.raw = true;
    } else if (record.backend == "syscall") {
      record.raw = !from_shared_libc(record);
    }
    merged.push_back(std::move(record));
  }
  return merged;
}

}  // namespace

std::string AuditRecord::syscall_name() const {
  if (call == "send") return "sendto";
  if (call == "recv") return "recvfrom";
  return call;
}

std::vector<AuditRecord> read_audit_dir(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (is_audit_file(entry)) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<AuditRecord> records;
  for (const auto& file : files) read_audit_file(file, records);
  return records.empty() ? records : merge_backends(std::move(records));
}

}  // namespace sshtc
