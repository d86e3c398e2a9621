#!/bin/sh
# An adapter, client or server, that ignores the contract's scenario: whatever it is asked, it
# says hello and exits 0. The compliance probe catches it before it gets a cell.
[ "$1" = --version ] && { echo "ignores-scenario 1"; exit 0; }
echo "hello"
exit 0
