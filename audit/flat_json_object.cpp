#include "flat_json_object.hpp"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace sshtc {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  FlatJsonObject object() {
    FlatJsonObject members;
    skip_space();
    expect('{');
    skip_space();
    if (!take('}')) {
      do {
        skip_space();
        const size_t key_at = position_;
        std::string key = string();
        skip_space();
        expect(':');
        skip_space();
        FlatJsonValue value = this->value();
        if (!members.emplace(std::move(key), std::move(value)).second) {
          fail_at(key_at, "a key not seen before");
        }
        skip_space();
      } while (take(','));
      expect('}');
    }
    skip_space();
    if (position_ != text_.size()) fail("text after the object");
    return members;
  }

 private:
  FlatJsonValue value() {
    if (peek() == '"') return string();
    if (text_.substr(position_, 4) == "true") {
      position_ += 4;
      return true;
    }
    if (text_.substr(position_, 5) == "false") {
      position_ += 5;
      return false;
    }
    return integer();
  }

  long long integer() {
    const size_t start = position_;
    take('-');
    if (!is_digit(peek())) fail("a string, an integer, true or false");
    if (peek() == '0' && is_digit(peek(1))) fail("an integer without leading zeros");
    while (is_digit(peek())) ++position_;
    const std::string digits(text_.substr(start, position_ - start));
    errno = 0;
    const long long value = std::strtoll(digits.c_str(), nullptr, 10);
    if (errno == ERANGE) fail_at(start, "an integer that fits in 64 bits");
    return value;
  }

  std::string string() {
    expect('"');
    std::string result;
    for (;;) {
      if (position_ == text_.size()) fail("a closing quote");
      const char c = text_[position_++];
      if (c == '"') return result;
      if (static_cast<unsigned char>(c) < 0x20) fail_at(position_ - 1, "an escaped control character");
      if (c != '\\') {
        result += c;
        continue;
      }
      if (position_ == text_.size()) fail("an escape");
      switch (const char escape = text_[position_++]) {
        case '"':
        case '\\':
        case '/':
          result += escape;
          break;
        case 'b':
          result += '\b';
          break;
        case 'f':
          result += '\f';
          break;
        case 'n':
          result += '\n';
          break;
        case 'r':
          result += '\r';
          break;
        case 't':
          result += '\t';
          break;
        case 'u':
          append_utf8(result, code_point());
          break;
        default:
          fail_at(position_ - 1, "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
      }
    }
  }

  // After "\u": four hex digits, or a surrogate pair written as two escapes.
  char32_t code_point() {
    const size_t start = position_;
    const char32_t first = hex4();
    if (first >= 0xDC00 && first <= 0xDFFF) fail_at(start, "a high surrogate before a low one");
    if (first < 0xD800 || first > 0xDBFF) return first;
    if (text_.substr(position_, 2) != "\\u") fail("a low surrogate after a high one");
    position_ += 2;
    const char32_t second = hex4();
    if (second < 0xDC00 || second > 0xDFFF) fail_at(position_ - 4, "a low surrogate");
    return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
  }

  char32_t hex4() {
    char32_t value = 0;
    for (int digit = 0; digit < 4; ++digit) {
      const char c = peek();
      int nibble = -1;
      if (c >= '0' && c <= '9') nibble = c - '0';
      if (c >= 'a' && c <= 'f') nibble = c - 'a' + 10;
      if (c >= 'A' && c <= 'F') nibble = c - 'A' + 10;
      if (nibble < 0) fail("four hex digits after \\u");
      value = value << 4 | static_cast<char32_t>(nibble);
      ++position_;
    }
    return value;
  }

  static void append_utf8(std::string& out, char32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | code >> 6);
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | code >> 12);
      out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | code >> 18);
      out += static_cast<char>(0x80 | (code >> 12 & 0x3F));
      out += static_cast<char>(0x80 | (code >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  char peek(size_t ahead = 0) const {
    return position_ + ahead < text_.size() ? text_[position_ + ahead] : '\0';
  }

  bool take(char c) {
    if (peek() != c || position_ == text_.size()) return false;
    ++position_;
    return true;
  }

  void expect(char c) {
    if (!take(c)) fail(std::string("'") + c + "'");
  }

  void skip_space() {
    while (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n') ++position_;
  }

  [[noreturn]] void fail(const std::string& expected) const { fail_at(position_, expected); }

  [[noreturn]] void fail_at(size_t at, const std::string& expected) const {
    throw std::invalid_argument("column " + std::to_string(at + 1) + ": expected " + expected);
  }

  std::string_view text_;
  size_t position_ = 0;
};

}  // namespace

FlatJsonObject parse_flat_json_object(std::string_view text) { return Parser(text).object(); }

}  // namespace sshtc
