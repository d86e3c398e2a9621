// A run's results may come in shards: one results directory or matrix.json per machine or CI
// job (e.g. one per server, scripts/conformance --server NAME). Merged, they are one matrix.
#pragma once

#include <string>
#include <vector>

#include "run_accounting.hpp"

namespace sshtc {

struct Shard {
  std::string source;  // the directory or file it came from, for messages
  RunFacts facts;
  AccountedRun run;
};

// A results directory (accounted as run_accounting says) or a matrix.json; throws, naming the
// source, when it is neither.
Shard load_shard(const std::string& path);

// One run of all: every case of every shard, each implementation once, each shard's run-level
// problems named by their source. A case in two shards must have the same verdict in both,
// or it is an error naming the case, both verdicts and both sources.
Shard merge_shards(const std::vector<Shard>& shards);

}  // namespace sshtc
