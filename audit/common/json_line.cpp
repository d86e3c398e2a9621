#include "json_line.hpp"

namespace sshtc::audit {

void format_decimal(long long value, char (&text)[24]) {
  char reversed[24];
  size_t count = 0;
  // Negated digit by digit so that LLONG_MIN needs no special case.
  const bool negative = value < 0;
  do {
    const int digit = static_cast<int>(value % 10);
    reversed[count++] = static_cast<char>('0' + (negative ? -digit : digit));
    value /= 10;
  } while (value != 0);
  size_t size = 0;
  if (negative) text[size++] = '-';
  while (count > 0) text[size++] = reversed[--count];
  text[size] = '\0';
}

JsonLine::JsonLine() { append('{'); }

void JsonLine::string_field(const char* name, const char* value) {
  key(name);
  append('"');
  append_escaped(value);
  append('"');
}

void JsonLine::name_field(const char* name, const char* symbol, long long number) {
  key(name);
  append('"');
  if (symbol != nullptr) {
    append(symbol);
  } else {
    number_text(number);
  }
  append('"');
}

void JsonLine::number_field(const char* name, long long value) {
  key(name);
  number_text(value);
}

void JsonLine::bool_field(const char* name, bool value) {
  key(name);
  append(value ? "true" : "false");
}

bool JsonLine::finish() {
  append("}\n");
  return !overflowed_;
}

void JsonLine::key(const char* name) {
  if (size_ > 1) append(',');
  append('"');
  append(name);
  append("\":");
}

void JsonLine::append(char c) {
  if (size_ == sizeof buffer_) {
    overflowed_ = true;
    return;
  }
  buffer_[size_++] = c;
}

void JsonLine::append(const char* text) {
  while (*text != '\0') append(*text++);
}

void JsonLine::number_text(long long value) {
  char text[24];
  format_decimal(value, text);
  append(text);
}

void JsonLine::append_escaped(const char* text) {
  static constexpr char hex[] = "0123456789abcdef";
  for (; *text != '\0'; ++text) {
    const auto c = static_cast<unsigned char>(*text);
    if (c == '"' || c == '\\') {
      append('\\');
      append(static_cast<char>(c));
    } else if (c < 0x20) {
      append("\\u00");
      append(hex[c >> 4]);
      append(hex[c & 0xf]);
    } else {
      append(static_cast<char>(c));
    }
  }
}

}  // namespace sshtc::audit
