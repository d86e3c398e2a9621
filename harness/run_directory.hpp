// The per-run state every case shares: a private 0700 directory with host and client keys
// generated for this run, authorized_keys, known_hosts, and a directory for each server's
// prepared state (servers/NAME: SSHTC_SERVER_STATE).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace sshtc {

struct RunDirectory {
  std::filesystem::path root;
  std::filesystem::path client_key;    // ed25519, no passphrase
  std::filesystem::path known_hosts;   // the host key for every name a client may look up
  std::filesystem::path home;          // an empty HOME for clients: no ~/.ssh is ever read
  std::string user;                    // who the clients log in as: the user running the suite

  // The once-per-run work of the harness itself: keys and known_hosts. Replaces whatever
  // `root` held. (Each adapter does its own once-per-run work when its --version is asked.)
  static RunDirectory create(const std::filesystem::path& root);
  // A run directory made earlier by create(), e.g. by ctest's set-up fixture.
  static RunDirectory open(const std::filesystem::path& root);
  // Removes the directory and the private keys in it.
  static void remove(const std::filesystem::path& root);

  std::filesystem::path case_dir(const std::string& case_name) const;

  // The answer to a per-run question about `name` (a client's --version, its compliance), asked
  // once and kept as root/<kind>/<name>. Cases and threads may race to ask: each reads a whole
  // answer.
  std::string remembered(const std::string& kind, const std::string& name,
                         const std::function<std::string()>& ask) const;

 private:
  static RunDirectory layout(const std::filesystem::path& root);
};

}  // namespace sshtc
