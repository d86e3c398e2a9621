// A 0700 directory of the adapter's own under $TMPDIR (or /tmp), removed with everything in
// it when the object goes. Keeps generated configs, converted keys and offer sockets away
// from other users and from parallel cases, which share the harness's HOME.
#pragma once

#include <filesystem>
#include <string>

namespace sshtc::proxy {

class PrivateDir {
 public:
  explicit PrivateDir(const std::string& prefix);  // throws std::system_error
  ~PrivateDir();
  PrivateDir(const PrivateDir&) = delete;
  PrivateDir& operator=(const PrivateDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace sshtc::proxy
