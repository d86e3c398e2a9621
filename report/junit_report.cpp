#include "junit_report.hpp"

#include <map>
#include <sstream>

namespace sshtc {
namespace {

// XML text and attribute values: the five specials escaped, and the control characters XML 1.0
// cannot hold at all (an adapter's garbage) as U+FFFD.
std::string xml(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += "\xef\xbf\xbd";
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The reference of the expectation that made the case XFAIL: "rule [reference]: …".
std::string reference_of(const CaseRecord& record) {
  for (const auto& finding : record.findings) {
    if (!finding.expectation.empty() && finding.observation.side == "client") return finding.expectation;
  }
  std::string line = first_line(record.reason);
  auto open = line.find(" [");
  auto close = line.find("]: ", open);
  return open == std::string::npos || close == std::string::npos ? "" : line.substr(open + 2, close - open - 2);
}

struct Suite {
  std::ostringstream cases;
  int tests = 0, failures = 0, skipped = 0;
  double seconds = 0;
};

}  // namespace

std::string junit_xml(const std::vector<CaseRecord>& records) {
  std::map<std::string, Suite> suites;
  std::vector<std::string> order;
  for (const auto& record : records) {
    std::string server = record.server();
    if (!suites.count(server)) order.push_back(server);
    Suite& suite = suites[server];
    ++suite.tests;
    suite.seconds += record.seconds;
    suite.cases << "    <testcase name=\"" << xml(record.ctest_name()) << "\" classname=\""
                << xml(server + "." + record.client) << "\" time=\"" << record.seconds << "\">\n";
    std::string verdict = to_string(record.verdict);
    if (fails_gate(record.verdict)) {
      ++suite.failures;
      suite.cases << "      <failure type=\"" << verdict << "\" message=\"" << xml(verdict + ": " + first_line(record.reason))
                  << "\">" << xml(record.reason) << "</failure>\n";
    } else if (record.verdict == Verdict::Skip) {
      ++suite.skipped;
      suite.cases << "      <skipped message=\"" << xml(first_line(record.reason)) << "\"/>\n";
    } else if (record.verdict != Verdict::Pass) {
      suite.cases << "      <properties>\n        <property name=\"verdict\" value=\"" << verdict << "\"/>\n"
                  << "        <property name=\"reference\" value=\"" << xml(reference_of(record)) << "\"/>\n"
                  << "      </properties>\n      <system-out>" << xml(record.reason) << "</system-out>\n";
    }
    suite.cases << "    </testcase>\n";
  }
  int tests = 0, failures = 0, skipped = 0;
  double seconds = 0;
  std::ostringstream body;
  for (const auto& server : order) {
    Suite& suite = suites[server];
    tests += suite.tests;
    failures += suite.failures;
    skipped += suite.skipped;
    seconds += suite.seconds;
    body << "  <testsuite name=\"server " << xml(server) << "\" tests=\"" << suite.tests << "\" failures=\""
         << suite.failures << "\" errors=\"0\" skipped=\"" << suite.skipped << "\" time=\"" << suite.seconds
         << "\">\n" << suite.cases.str() << "  </testsuite>\n";
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ssh-transport-conformance\" tests=\""
      << tests << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << seconds
      << "\">\n" << body.str() << "</testsuites>\n";
  return out.str();
}

}  // namespace sshtc
