// sshtc-report: the reports of a run, every declared case counted (run_accounting.hpp). Exits 1
// when the gate fails (a FAIL, XPASS or NO-VERDICT, or a run that cannot be accounted for), 2
// when the directory cannot be read or the arguments are wrong.
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "json_report.hpp"
#include "junit_report.hpp"
#include "matrix_text.hpp"
#include "run_accounting.hpp"

namespace {

const char* const kUsage =
    "usage: sshtc-report [--text FILE] [--json FILE] [--junit FILE] RESULTS_DIR\n"
    "  prints the matrix of the run whose results are in RESULTS_DIR (scripts/conformance's\n"
    "  build/results), and writes it to FILE as well:\n"
    "  --text FILE    the text matrix, as printed\n"
    "  --json FILE    matrix.json: the run, its axes, the gate and every case (README, \"Reports\")\n"
    "  --junit FILE   junit.xml: a testcase per case, in a testsuite per server\n"
    "  exit 0: the gate passed; 1: it failed; 2: bad arguments or unreadable results\n";

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  std::string text_file, json_file, junit_file, dir;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    }
    std::string* target = arg == "--text" ? &text_file : arg == "--json" ? &json_file : arg == "--junit" ? &junit_file : nullptr;
    if (target && i + 1 < argc) {
      *target = argv[++i];
    } else if (!target && arg.rfind("--", 0) != 0 && dir.empty()) {
      dir = arg;
    } else {
      std::cerr << "sshtc-report: unexpected argument '" << arg << "'\n" << kUsage;
      return 2;
    }
  }
  if (dir.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  try {
    auto facts = sshtc::read_run_facts(dir);
    auto run = sshtc::account(facts, sshtc::read_records(dir));
    auto matrix = sshtc::render_matrix(run.records, facts.server_versions);
    std::ostringstream out;
    out << matrix.text;
    for (const auto& problem : run.run_problems) out << "\nNO-VERDICT: " << problem << "\n";
    double seconds = 0;
    for (const auto& record : run.records) seconds += record.seconds;
    bool passed = matrix.gate_passed && run.run_problems.empty();
    out << "\n" << matrix.cells << " cells from " << run.records.size() << " declared cases"
        << (run.records.empty() ? "" : " (" + matrix.verdict_counts + ")") << "; time in sessions " << seconds
        << " s; gate " << (passed ? "passed" : "FAILED") << "\n";
    std::cout << out.str();
    if (!text_file.empty()) write_file(text_file, out.str());
    if (!json_file.empty()) write_file(json_file, sshtc::matrix_json(facts, run, passed));
    if (!junit_file.empty()) write_file(junit_file, sshtc::junit_xml(run.records));
    return passed ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "sshtc-report: " << error.what() << "\n";
    return 2;
  }
}
