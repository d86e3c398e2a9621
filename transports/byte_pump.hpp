// Copies bytes both ways between two streams on threads of its own, the way a user-space
// bridge (a WebRTC data channel, a websocket tunnel) does, shaped per direction (shaping.hpp:
// fragmentation, delay, gathering, half-close, a fault in the middle of the session).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
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
  // same chunks, and the same fault, again.
  BytePump(StreamEnds left, StreamEnds right, Shaping to_right = {}, Shaping to_left = {}, uint64_t seed = 0);
  ~BytePump();  // stops both directions and joins
  BytePump(const BytePump&) = delete;
  BytePump& operator=(const BytePump&) = delete;

  // What a fault did ("the stream was cut 37 bytes after the server's NEWKEYS, at byte 2213"),
  // once it has; empty before, and for a pump without one.
  std::string fault_report() const;

 private:
  // One direction: its ends, and the UniqueFd that owns `from` when nothing else uses it.
  struct Direction {
    int from, to;
    UniqueFd* owns_from;
  };
  void copy(Direction direction, const Shaping& shaping, uint64_t seed);
  // Reads what is there, and with a gathering shaping what follows within its window (the
  // first time, within its hold_first); 0 at EOF.
  ssize_t gather(int from, char* buffer, size_t size, const Shaping& shaping, bool first);
  // The fault's doing to `size` bytes read (a flip, or the place to cut): how many of them go
  // on before the stream is cut or goes silent, `size` when it goes on.
  size_t apply_fault(char* data, size_t size, const Shaping& shaping, NewkeysFinder& finder, uint64_t& after,
                     size_t target, uint8_t mask);
  // A stall: what `from` says is read and dropped for `silence`; false when the pump stops.
  bool drop_for(int from, std::chrono::milliseconds silence);
  // Both directions end: the one that cut tells the other through `cut_`.
  void cut();
  bool cut_happened() const;
  void report(std::string what);

  UniqueFd left_in_, left_out_, right_in_, right_out_;
  UniqueFd stop_;  // an eventfd: readable once the pump is being torn down
  UniqueFd cut_;   // an eventfd: readable once a fault has cut the stream
  std::thread left_to_right_, right_to_left_;
  mutable std::mutex report_mutex_;
  std::string fault_report_;
};

}  // namespace sshtc
