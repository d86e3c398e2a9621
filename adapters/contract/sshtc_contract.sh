# What the suite's shell adapters share (the adapter contract, README). Sourced with
# sshtc_contract_dir set to this file's directory (a sourced file cannot know its own path):
#   sshtc_contract_dir=${0%/*}/../contract; . "$sshtc_contract_dir/sshtc_contract.sh"
# The reserved exit codes are read from exit_codes.txt beside it, their one definition, with
# the shell's own `read`: no process more per session.
while read -r sshtc_name sshtc_code sshtc_rest; do
  case $sshtc_name in
    session-failed) SSHTC_SESSION_FAILED=$sshtc_code ;;
    cannot-do) SSHTC_CANNOT_DO=$sshtc_code ;;
  esac
done <"$sshtc_contract_dir/exit_codes.txt"

# This adapter cannot do what it is asked here (a scenario, a transport, a missing program):
# the reason on stderr, in one line, and the contract's code.
sshtc_cannot_do() {
  echo "$*" >&2
  exit "$SSHTC_CANNOT_DO"
}

# Ends the adapter with cannot-do unless SSHTC_SCENARIO is one of the arguments: the harness's
# compliance probe asks for a scenario no adapter knows, and requires exactly this answer.
sshtc_check_scenario() {
  for sshtc_known in "$@"; do
    [ "${SSHTC_SCENARIO:-}" = "$sshtc_known" ] && return 0
  done
  sshtc_cannot_do "scenario '${SSHTC_SCENARIO:-}' is not implemented"
}
