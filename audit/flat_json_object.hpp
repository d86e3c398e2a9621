// The one-level JSON objects the audit preload writes: string, integer and boolean members.
// Small on purpose; anything else (nesting, null, fractions) is rejected as not ours.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>

namespace sshtc {

using FlatJsonValue = std::variant<std::string, long long, bool>;
using FlatJsonObject = std::map<std::string, FlatJsonValue, std::less<>>;

// Throws std::invalid_argument saying what was expected at which column (1-based).
FlatJsonObject parse_flat_json_object(std::string_view text);

}  // namespace sshtc
