// Copies bytes both ways between two streams on threads of its own, the way a user-space
// bridge (a WebRTC data channel, a websocket tunnel) does, shaped per direction (shaping.hpp:
// fragmentation, delay, gathering, half-close).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <thread>

#include "../base/unique_fd.hpp"
#include "shaping.hpp"

namespace sshtc {

struct StreamEnds {
  int in = -1;   // read from here
  int out = -1;  // write to here (equal to in for a socket)
};

class BytePump {
 public:
  // Takes ownership of every descriptor in `left` and `right`; each direction hands its bytes
  // on as its shaping says (clean by default), the random ones from `seed`: a seed gives the
  // same chunks again.
  BytePump(StreamEnds left, StreamEnds right, Shaping to_right = {}, Shaping to_left = {}, uint64_t seed = 0);
  ~BytePump();  // stops both directions and joins
  BytePump(const BytePump&) = delete;
  BytePump& operator=(const BytePump&) = delete;

 private:
  void copy(int from, int to, const Shaping& shaping, uint64_t seed);
  // Reads what is there, and with a gathering shaping what follows within its window (the
  // first time, within its hold_first); 0 at EOF.
  ssize_t gather(int from, char* buffer, size_t size, const Shaping& shaping, bool first);

  UniqueFd left_in_, left_out_, right_in_, right_out_;
  UniqueFd stop_;  // an eventfd: readable once the pump is being torn down
  std::thread left_to_right_, right_to_left_;
};

}  // namespace sshtc
