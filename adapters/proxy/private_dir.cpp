#include "private_dir.hpp"

#include <stdlib.h>

#include <cerrno>
#include <system_error>

namespace sshtc::proxy {

PrivateDir::PrivateDir(const std::string& prefix) {
  // sun_path holds 108 bytes: a short base keeps the offer socket's path inside it.
  const char* tmp = getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  if (!mkdtemp(pattern.data())) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  path_ = pattern;  // mkdtemp creates it 0700
}

PrivateDir::~PrivateDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace sshtc::proxy
