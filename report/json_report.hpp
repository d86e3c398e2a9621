// matrix.json: one run as data (README, "Reports"; schema in report/matrix.schema.json): the
// run, the axes, the gate and one record per declared case, the very objects the cases wrote.
#pragma once

#include <string>

#include "run_accounting.hpp"

namespace sshtc {

inline constexpr int kMatrixSchemaVersion = 1;

// `gate_passed` and `problems` as the text matrix decided them.
std::string matrix_json(const RunFacts& facts, const AccountedRun& run, bool gate_passed);

}  // namespace sshtc
