#!/bin/sh
# A broken adapter: never answers. Its child must die with it (process group kill).
. "$(dirname "$0")/contract.sh"
sleep 300 &
sleep 300
