// What an adapter printed, made fit for a one-line reason and a table: a broken adapter's
// bytes must not garble the terminal or the report that shows them.
#pragma once

#include <cstdio>
#include <string>

namespace sshtc {

// Bytes outside printable ASCII become \xNN (a newline \n); past `limit` bytes, "…".
inline std::string printable(const std::string& text, size_t limit = 200) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c > 0x7e) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return text.size() > limit ? out + "…" : out;
}

}  // namespace sshtc
