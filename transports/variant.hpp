// The ways a real tunnel mistreats a stream, each wrapped around a descriptor transport: the
// column BASE~VARIANT ("socketpair~frag1", "pipe~nonblock"). Declared once, in variant.cpp's
// table; find_transport() makes the column from its name.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shaping.hpp"
#include "transport.hpp"

namespace sshtc {

struct Variant {
  std::string name;
  std::string what;  // what the client meets, for messages and the README
  Shaping to_server{};
  Shaping to_client{};
  // No pump: the client's descriptors come with O_NONBLOCK already set, and a pipe with the
  // smallest buffer the kernel allows (one page), so that EAGAIN and short writes happen.
  bool nonblocking_client = false;
  // Whether it carries a case that moves volume (the flood of EndsWhenItsReaderQuits) within
  // the case's deadline: frag1, which waits for every byte to be read, does not.
  bool carries_volume = true;
  // A fault's (truncate, garbage, stall): the rule a client breaks when it does not fail
  // cleanly, exiting 255 inside the deadline and the EOF grace. Empty for the shapes.
  std::string fault_rule{};
};

const std::vector<Variant>& variants();
const Variant& find_variant(const std::string& name);  // throws, listing the variants
std::vector<std::string> fault_rules();  // the faults' rule ids, for expectations

// `base` (a descriptor transport) as `variant` makes it, its random choices from `seed`.
std::shared_ptr<Transport> make_variant_transport(std::shared_ptr<Transport> base, const Variant& variant,
                                                  uint64_t seed);

// "socketpair~frag1" → ("socketpair", "frag1"); a plain transport's variant is empty.
std::pair<std::string, std::string> split_variant(const std::string& transport);

}  // namespace sshtc
