#include "audit_line.hpp"

#include "symbolic_names.hpp"

namespace sshtc::audit {

bool format_audit_line(JsonLine& line, const AuditedCall& call, long long pid) {
  const Descriptor& descriptor = call.descriptor;
  const bool socket = descriptor.is_socket();
  line.number_field("pid", pid);
  line.number_field("fd", call.fd);
  line.string_field("kind", descriptor.kind);
  line.name_field("family", socket ? family_name(descriptor.family) : "", descriptor.family);
  line.name_field("type", socket ? socket_type_name(descriptor.type) : "", descriptor.type);
  line.name_field("protocol", socket ? protocol_name(descriptor.protocol) : "",
                  descriptor.protocol);
  line.bool_field("transport", call.transport);
  line.string_field("call", call.call);
  line.name_field("level", call.has_option ? level_name(call.level) : "", call.level);
  line.name_field("option", call.has_option ? option_name(call.level, call.option) : "",
                  call.option);
  line.number_field("ret", call.result);
  line.name_field("errno", call.result < 0 ? errno_name(call.error) : "", call.error);
  line.string_field("caller", call.caller);
  line.bool_field("emulated", call.emulated);
  line.string_field("backend", call.backend);
  line.bool_field("preload_loaded", call.preload_loaded);
  return line.finish();
}

}  // namespace sshtc::audit
