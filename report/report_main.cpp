// sshtc-report RESULTS_DIR: prints the matrix of a run, every declared case counted (see
// run_accounting.hpp); exits 1 when the gate fails (a FAIL, XPASS or NO-VERDICT, or a run that
// cannot be accounted for), 2 when the directory cannot be read.
#include <iostream>

#include "matrix_text.hpp"
#include "run_accounting.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: sshtc-report RESULTS_DIR\n";
    return 2;
  }
  try {
    auto facts = sshtc::read_run_facts(argv[1]);
    auto run = sshtc::account(facts, sshtc::read_records(argv[1]));
    auto matrix = sshtc::render_matrix(run.records, facts.server_versions);
    std::cout << matrix.text;
    for (const auto& problem : run.run_problems) std::cout << "\nNO-VERDICT: " << problem << "\n";
    double seconds = 0;
    for (const auto& record : run.records) seconds += record.seconds;
    bool passed = matrix.gate_passed && run.run_problems.empty();
    std::cout << "\n" << matrix.cells << " cells from " << run.records.size() << " declared cases"
              << (run.records.empty() ? "" : " (" + matrix.verdict_counts + ")") << "; time in sessions "
              << seconds << " s; gate "
              << (passed ? "passed" : "FAILED") << "\n";
    return passed ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "sshtc-report: " << error.what() << "\n";
    return 2;
  }
}
