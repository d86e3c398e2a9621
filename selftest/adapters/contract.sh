# Sourced by the misbehaving adapters: they misbehave in the exec scenario only, and answer the
# harness's compliance probe (a scenario no adapter knows) as the contract says, so that their
# cells show the misbehaviour itself. --version comes with no scenario at all.
sshtc_contract_dir=${0%/*}/../../adapters/contract
. "$sshtc_contract_dir/sshtc_contract.sh"
[ -z "${SSHTC_SCENARIO:-}" ] || sshtc_check_scenario exec
