#!/bin/sh
# An adapter that breaks the contract in its session: prints noise and claims success.
. "$(dirname "$0")/contract.sh"
[ "$1" = --version ] && { printf '\001\002 not a version\tat all\n'; exit 0; }
head -c 64 /dev/urandom
exit 0
