#include "fault.hpp"

namespace sshtc {

size_t NewkeysFinder::feed(const char* data, size_t size) {
  constexpr int kNewkeys = 21;  // SSH_MSG_NEWKEYS
  for (size_t i = 0; i < size; ++i) {
    unsigned char byte = static_cast<unsigned char>(data[i]);
    switch (state_) {
      case State::Lines:
        line_.push_back(static_cast<char>(byte));
        if (byte == '\n') {
          if (line_.rfind("SSH-", 0) == 0) state_ = State::Length;
          line_.clear();
        }
        break;
      case State::Length:
        length_ = (length_ << 8) | byte;
        if (++have_ == 4) {
          state_ = State::Body;
          have_ = 0;
          type_ = -1;
        }
        break;
      case State::Body:
        if (have_ == 1) type_ = byte;
        if (++have_ == length_) {
          if (type_ == kNewkeys) {
            state_ = State::Done;
            return i + 1;
          }
          state_ = State::Length;
          length_ = 0;
          have_ = 0;
        }
        break;
      case State::Done:
        return npos;
    }
  }
  return npos;
}

}  // namespace sshtc
