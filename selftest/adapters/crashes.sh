#!/bin/sh
# An adapter that dies of a signal halfway.
. "$(dirname "$0")/contract.sh"
echo "about to crash" >&2
kill -SEGV $$
