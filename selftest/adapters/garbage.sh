#!/bin/sh
# An adapter that ignores the contract: prints noise and claims success.
[ "$1" = --version ] && { printf '\001\002 not a version\tat all\n'; exit 0; }
head -c 64 /dev/urandom
exit 0
