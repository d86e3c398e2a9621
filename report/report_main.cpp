// sshtc-report: the reports of a run, every declared case counted (run_accounting.hpp), from one
// or several shards (shards.hpp), optionally against a baseline (baseline.hpp). See kUsage.
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "baseline.hpp"
#include "html_report.hpp"
#include "json_report.hpp"
#include "junit_report.hpp"
#include "matrix_text.hpp"
#include "run_accounting.hpp"
#include "shards.hpp"
#include "throughput.hpp"

namespace {

const char* const kUsage =
    "usage: sshtc-report [--text FILE] [--json FILE] [--junit FILE] [--html FILE] [--baseline OLD.json]\n"
    "                    [--gate all|regressions] RESULTS...\n"
    "  prints the matrix of a run, and writes it to FILE as well. RESULTS are results directories\n"
    "  (scripts/conformance's build/results) or matrix.json files: the shards of one run, merged;\n"
    "  a case two shards disagree on is an error naming both.\n"
    "  --text FILE          the text matrix, as printed\n"
    "  --json FILE          matrix.json: the run, its axes, the gate and every case (README, \"Reports\")\n"
    "  --junit FILE         junit.xml: a testcase per case, in a testsuite per server\n"
    "  --html FILE          matrix.html: one self-contained page, a click on a cell for its details\n"
    "  --baseline OLD.json  also print what changed since that run\n"
    "  --gate regressions   fail only on cells worse than in the baseline (and new failing cells)\n"
    "  exit 0: the gate passed; 1: it failed; 2: bad arguments or unreadable results\n";

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  std::string text_file, json_file, junit_file, html_file, baseline_file, gate = "all";
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    }
    std::string* target = arg == "--text"       ? &text_file
                          : arg == "--json"     ? &json_file
                          : arg == "--junit"    ? &junit_file
                          : arg == "--html"     ? &html_file
                          : arg == "--baseline" ? &baseline_file
                          : arg == "--gate"     ? &gate
                                                : nullptr;
    if (target && i + 1 < argc) {
      *target = argv[++i];
    } else if (!target && arg.rfind("--", 0) != 0) {
      inputs.push_back(arg);
    } else {
      std::cerr << "sshtc-report: unexpected argument '" << arg << "'\n" << kUsage;
      return 2;
    }
  }
  if (inputs.empty() || (gate != "all" && gate != "regressions") || (gate == "regressions" && baseline_file.empty())) {
    std::cerr << (gate == "regressions" && baseline_file.empty() ? "sshtc-report: --gate regressions needs --baseline\n" : "")
              << kUsage;
    return 2;
  }
  try {
    std::vector<sshtc::Shard> shards;
    for (const auto& input : inputs) shards.push_back(sshtc::load_shard(input));
    sshtc::Shard shard = sshtc::merge_shards(shards);
    const auto& run = shard.run;
    auto matrix = sshtc::render_matrix(run.records, shard.facts.server_versions);
    std::ostringstream out;
    out << matrix.text;
    for (const auto& problem : run.run_problems) out << "\nNO-VERDICT: " << problem << "\n";
    std::string throughput = sshtc::throughput_table(run.records);
    if (!throughput.empty()) out << "\n" << throughput;
    double seconds = 0;
    for (const auto& record : run.records) seconds += record.seconds;
    bool passed = matrix.gate_passed && run.run_problems.empty();
    if (shards.size() > 1) out << "\n" << shards.size() << " shards: " << shard.source << "\n";
    out << "\n" << matrix.cells << " cells from " << run.records.size() << " declared cases"
        << (run.records.empty() ? "" : " (" + matrix.verdict_counts + ")") << "; time in sessions " << seconds
        << " s; gate " << (passed ? "passed" : "FAILED") << "\n";
    if (!baseline_file.empty()) {
      auto diff = sshtc::diff_against(sshtc::load_shard(baseline_file), shard);
      out << "\n" << diff.text(baseline_file);
      if (gate == "regressions") {
        passed = diff.regressions == 0 && run.run_problems.empty();
        out << "gate on regressions " << (passed ? "passed" : "FAILED") << "\n";
      }
    }
    std::cout << out.str();
    if (!text_file.empty()) write_file(text_file, out.str());
    std::string json = sshtc::matrix_json(shard.facts, run, matrix.gate_passed && run.run_problems.empty());
    if (!json_file.empty()) write_file(json_file, json);
    if (!html_file.empty()) write_file(html_file, sshtc::matrix_html(json));
    if (!junit_file.empty()) write_file(junit_file, sshtc::junit_xml(run.records));
    return passed ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "sshtc-report: " << error.what() << "\n";
    return 2;
  }
}
