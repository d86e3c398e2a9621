// The bulk cases' throughput as text: per client and bulk case, the median MB/s of its cells
// where every byte arrived (the session's, handshake included, so small payloads read low; --depth full's 64 MiB
// payloads measure the stream).
#pragma once

#include <string>
#include <vector>

#include "../harness/case_record.hpp"

namespace sshtc {

// "" when no record moved bytes.
std::string throughput_table(const std::vector<CaseRecord>& records);

}  // namespace sshtc
