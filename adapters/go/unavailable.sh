#!/bin/sh
# Stands in for an adapter that could not be built here (adapters/go/CMakeLists.txt): it answers
# everything, --version included, with cannot-do and its one argument, the reason, so that the
# adapter's cells are SKIP saying what to install.
sshtc_contract_dir=${0%/*}/../contract
. "$sshtc_contract_dir/sshtc_contract.sh"
sshtc_cannot_do "$1"
