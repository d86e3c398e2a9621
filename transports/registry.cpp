// The transports of the matrix, from transports.def. A new transport is its own file here plus
// one line there.
#include "../base/registry.hpp"
#include "transport.hpp"
#include "variant.hpp"

namespace sshtc {

// `##` keeps a name such as `unix` (a predefined macro in GNU C++) from being expanded.
#define SSHTC_TRANSPORT(name) std::shared_ptr<Transport> make_##name##_transport();
#include "transports.def"
#undef SSHTC_TRANSPORT

const std::vector<std::shared_ptr<Transport>>& all_transports() {
  static const std::vector<std::shared_ptr<Transport>> transports = {
#define SSHTC_TRANSPORT(name) make_##name##_transport(),
#include "transports.def"
#undef SSHTC_TRANSPORT
  };
  return transports;
}

std::shared_ptr<Transport> find_transport(const std::string& name, uint64_t seed) {
  auto [base, variant] = split_variant(name);
  auto transport = find_named(all_transports(), base, "transport");
  if (variant.empty()) return transport;
  return make_variant_transport(transport, find_variant(variant), seed);
}

}  // namespace sshtc
