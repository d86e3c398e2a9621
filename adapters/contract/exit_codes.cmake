# Generates sshtc/exit_codes.hpp from exit_codes.txt: "session-failed 255 ..." becomes
# `inline constexpr int kSessionFailed = 255;`. And, for the Go adapters, the Go package
# sshtc/exitcodes under SSHTC_GENERATED_DIR/go (a GOPATH): `const SessionFailed = 255`.
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/exit_codes.txt" lines REGEX "^[a-z]")
set(body "")
set(go_body "")
foreach(line IN LISTS lines)
  string(REGEX MATCH "^([a-z-]+) +([0-9]+) +(.*)$" matched "${line}")
  if(NOT matched)
    message(FATAL_ERROR "exit_codes.txt: cannot read '${line}' (name code meaning)")
  endif()
  set(name "${CMAKE_MATCH_1}")
  set(code "${CMAKE_MATCH_2}")
  set(meaning "${CMAKE_MATCH_3}")
  string(REPLACE "-" ";" words "${name}")
  set(constant "k")
  foreach(word IN LISTS words)
    string(SUBSTRING "${word}" 0 1 first)
    string(SUBSTRING "${word}" 1 -1 rest)
    string(TOUPPER "${first}" first)
    string(APPEND constant "${first}${rest}")
  endforeach()
  string(APPEND body "// ${meaning}\ninline constexpr int ${constant} = ${code};\n")
  string(SUBSTRING "${constant}" 1 -1 go_constant)
  string(APPEND go_body "// ${go_constant}: ${meaning}.\nconst ${go_constant} = ${code}\n")
endforeach()
file(CONFIGURE OUTPUT "${SSHTC_GENERATED_DIR}/sshtc/exit_codes.hpp" CONTENT
"// Generated from adapters/contract/exit_codes.txt; edit that file.
#pragma once

namespace sshtc {

${body}
}  // namespace sshtc
" @ONLY)
file(CONFIGURE OUTPUT "${SSHTC_GENERATED_DIR}/go/src/sshtc/exitcodes/exit_codes.go" CONTENT
"// Generated from adapters/contract/exit_codes.txt; edit that file.

// Package exitcodes holds the adapter contract's reserved exit codes.
package exitcodes

${go_body}" @ONLY)
