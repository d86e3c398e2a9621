// Quotes one word for /bin/sh: proxy commands are run through the shell by ssh and dbclient,
// and paths come from $TMPDIR and the build tree, which may hold anything.
#pragma once

#include <string>

namespace sshtc::proxy {

inline std::string shell_word(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace sshtc::proxy
