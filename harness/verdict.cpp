#include "verdict.hpp"

namespace sshtc {
namespace {

constexpr const char* kNames[] = {"SKIP", "PASS", "XFAIL", "WARN", "XPASS", "FAIL", "NO-VERDICT"};

}  // namespace

std::string to_string(Verdict verdict) { return kNames[static_cast<int>(verdict)]; }

std::optional<Verdict> parse_verdict(const std::string& text) {
  for (int i = 0; i <= static_cast<int>(Verdict::NoVerdict); ++i) {
    if (text == kNames[i]) return static_cast<Verdict>(i);
  }
  return std::nullopt;
}

Verdict worse(Verdict a, Verdict b) { return a > b ? a : b; }

bool fails_gate(Verdict verdict) { return verdict >= Verdict::XPass; }

}  // namespace sshtc
