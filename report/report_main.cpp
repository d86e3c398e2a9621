// sshtc-report RESULTS_DIR: prints the matrix of a run; exits 1 when the gate fails
// (a FAIL or an XPASS), 2 when there is nothing to report.
#include <iostream>

#include "matrix_text.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: sshtc-report RESULTS_DIR\n";
    return 2;
  }
  try {
    auto records = sshtc::read_records(argv[1]);
    if (records.empty()) {
      std::cerr << "sshtc-report: no case results in " << argv[1] << "\n";
      return 2;
    }
    auto matrix = sshtc::render_matrix(records);
    std::cout << matrix.text;
    double seconds = 0;
    for (const auto& record : records) seconds += record.seconds;
    std::cout << "\n" << matrix.cells << " cells from " << records.size() << " cases; "
              << "time in sessions " << seconds << " s; gate "
              << (matrix.gate_passed ? "passed" : "FAILED") << "\n";
    return matrix.gate_passed ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "sshtc-report: " << error.what() << "\n";
    return 2;
  }
}
