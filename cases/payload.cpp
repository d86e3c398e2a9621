#include "payload.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <fstream>
#include <random>

#include "../base/process.hpp"

namespace fs = std::filesystem;

namespace sshtc {

std::string Payload::describe() const {
  char seed_text[32];
  std::snprintf(seed_text, sizeof seed_text, "0x%016llx", static_cast<unsigned long long>(seed));
  return std::to_string(size) + " bytes, seed " + seed_text;
}

bool full_depth() {
  const char* depth = std::getenv("SSHTC_DEPTH");
  std::string value = depth ? depth : "";
  if (value.empty() || value == "quick") return false;
  if (value == "full") return true;
  throw std::invalid_argument("SSHTC_DEPTH must be quick or full, not '" + value + "'");
}

bool whole_product() {
  const char* product = std::getenv("SSHTC_PRODUCT");
  std::string value = product ? product : "";
  if (value == "full") return true;
  if (!value.empty() && value != "reference") {
    throw std::invalid_argument("SSHTC_PRODUCT must be reference or full, not '" + value + "'");
  }
  return full_depth();
}

uint64_t bulk_bytes() { return full_depth() ? (64u << 20) + 12345 : (1u << 20) + 12345; }

Payload payload(const RunDirectory& run, const std::string& name, uint64_t size) {
  Payload made;
  made.size = size;
  made.seed = std::stoull(run.remembered("payload-seeds", name, [] {
    std::random_device device;
    return std::to_string((static_cast<uint64_t>(device()) << 32) | device());
  }));
  // Two cases that raced to pick the run's seed may each have their own: each has its file.
  made.path = run.root / "payloads" / (name + "-" + std::to_string(size) + "-" + std::to_string(made.seed));
  if (fs::exists(made.path)) return made;
  fs::create_directories(made.path.parent_path());
  // Whole or absent, as parallel cases may race to make it: each writes its own, one wins.
  fs::path partial = made.path.string() + "." + std::to_string(::getpid());
  {
    std::mt19937_64 random(made.seed);
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    std::string block(1 << 16, '\0');
    for (uint64_t left = size; left > 0;) {
      for (size_t i = 0; i < block.size(); i += 8) {
        uint64_t word = random();
        for (size_t b = 0; b < 8 && i + b < block.size(); ++b) block[i + b] = static_cast<char>(word >> (8 * b));
      }
      size_t now = static_cast<size_t>(std::min<uint64_t>(left, block.size()));
      out.write(block.data(), static_cast<std::streamsize>(now));
      left -= now;
    }
    if (!out) throw std::runtime_error("cannot write the payload " + partial.string());
  }
  fs::rename(partial, made.path);
  return made;
}

std::string shell_quoted(const fs::path& path) {
  std::string quoted = "'";
  for (char c : path.string()) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::optional<std::string> compare_with(const Payload& expected, const std::string& received, const std::string& what) {
  std::string sent = read_file(expected.path);
  size_t agree = 0;
  while (agree < sent.size() && agree < received.size() && sent[agree] == received[agree]) ++agree;
  if (received.size() == sent.size() && agree == sent.size()) return std::nullopt;
  std::string of = " (payload of " + expected.describe() + ")";
  if (received.size() != sent.size()) {
    return what + " received " + std::to_string(received.size()) + " of " + std::to_string(sent.size()) +
           " bytes, the first " + std::to_string(agree) + " of them as sent" + of;
  }
  return what + " received all " + std::to_string(sent.size()) + " bytes, but they differ from byte " +
         std::to_string(agree) + " on" + of;
}

}  // namespace sshtc
