// One flat JSON object built in a fixed buffer: the interposers may run in a signal handler,
// between fork and exec, or inside malloc's caller, so no allocation and no stdio.
#pragma once

#include <cstddef>

namespace sshtc::audit {

// `value` in decimal, NUL-terminated.
void format_decimal(long long value, char (&text)[24]);

class JsonLine {
 public:
  JsonLine();

  void string_field(const char* key, const char* value);
  // `name` when known, else `number` in decimal, always as a JSON string.
  void name_field(const char* key, const char* name, long long number);
  void number_field(const char* key, long long value);
  void bool_field(const char* key, bool value);

  // Closes the object with "}\n"; false when the line did not fit and must not be written.
  bool finish();
  const char* data() const { return buffer_; }
  size_t size() const { return size_; }

 private:
  void key(const char* name);
  void append(char c);
  void append(const char* text);
  void number_text(long long value);
  void append_escaped(const char* text);

  char buffer_[4096];
  size_t size_ = 0;
  bool overflowed_ = false;
};

}  // namespace sshtc::audit
