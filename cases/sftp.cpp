// Scenario `sftp` (contract v2): a file up and back down over the sftp subsystem, the channel
// that carries the most data in most users' sessions.
#include "../base/process.hpp"
#include "matrix.hpp"
#include "payload.hpp"

namespace fs = std::filesystem;

namespace sshtc {
namespace {

class Sftp : public MatrixCase {};

// The payload uploaded to a path of the case's, then downloaded to another: both copies must
// be the payload, byte for byte.
TEST_P(Sftp, PutThenGet) {
  Payload sent;
  std::string label;
  fs::path remote, downloaded;
  run_case([&](const fs::path& dir) {
    sent = payload(RunContext::get().run, "sftp", bulk_bytes());
    remote = dir / "uploaded";
    downloaded = dir / "downloaded";
    label = "put and get of " + sent.describe();
    CaseInput input{"sftp " + label, {}, label};
    input.variables = {{"SSHTC_SFTP_PUT", sent.path.string() + ":" + remote.string()},
                       {"SSHTC_SFTP_GET", remote.string() + ":" + downloaded.string()}};
    input.bytes = 2 * sent.size;
    return input;
  }, [&](const SessionResult& session) -> std::optional<std::string> {
    if (session.client_hung()) {
      return "the transfer stalled: " + std::to_string(fs::exists(remote) ? fs::file_size(remote) : 0) + " of " +
             std::to_string(sent.size) + " bytes had been uploaded when the client was killed";
    }
    if (auto failed = status_check(session, label, 0)) return failed;
    if (auto differs = compare_with(sent, read_file(remote), "the uploaded file")) return where(label) + ": " + *differs;
    if (auto differs = compare_with(sent, read_file(downloaded), "the downloaded file")) return where(label) + ": " + *differs;
    return std::nullopt;
  });
}

SSHTC_SCENARIO(Sftp, "sftp");

}  // namespace
}  // namespace sshtc
