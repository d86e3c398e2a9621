#!/bin/sh
# An adapter that cannot do anything: every cell is a SKIP with this reason.
[ "$1" = --version ] && { echo "cannot 0.1"; exit 0; }
echo "this adapter does no transport at all" >&2
exit 89
