// Names for the numbers in a record, so the records read like the source code that made the
// call. Each returns nullptr for a number it does not know; the record then keeps the number.
#pragma once

namespace sshtc::audit {

const char* errno_name(int error);
const char* level_name(int level);
const char* option_name(int level, int option);
const char* family_name(int family);
const char* socket_type_name(int type);
const char* protocol_name(int protocol);

}  // namespace sshtc::audit
