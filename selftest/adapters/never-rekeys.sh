#!/bin/sh
# The negative control of Stdin.RekeyUnderLoad: a server that says how its log marks a key
# exchange (kex-log-marker, as sshd_adapter.sh does) and logs them, but ignores
# SSHTC_REKEY_BYTES: the case must find too few key exchanges.
if [ "${1:-}" = --version ]; then
  echo 'SSH2_MSG_KEXINIT sent' >"$SSHTC_SERVER_STATE/kex-log-marker" || exit 1
fi
SSHTC_WRAPPED_LOG_LEVEL=DEBUG1 exec "$(dirname "$0")/wrapped-sshd.sh" "$@"
