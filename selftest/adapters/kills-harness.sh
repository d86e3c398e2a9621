#!/bin/sh
# An adapter that kills the harness that started it: the case dies before its verdict, as a
# crashing harness would. Its --version answers, so that the set-up goes through.
. "$(dirname "$0")/contract.sh"
[ "$1" = "--version" ] && { echo "kills-harness 1"; exit 0; }
kill -SEGV "$PPID"
