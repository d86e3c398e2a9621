# Sourced by the misbehaving adapters: they misbehave in the exec scenario only (or in those of
# $sshtc_scenarios, set before), and answer the harness's compliance probe (a scenario no adapter
# knows) as the contract says, so that their cells show the misbehaviour itself. --version comes
# with no scenario at all.
sshtc_contract_dir=${0%/*}/../../adapters/contract
. "$sshtc_contract_dir/sshtc_contract.sh"
# shellcheck disable=SC2086 # a list of words
[ -z "${SSHTC_SCENARIO:-}" ] || sshtc_check_scenario ${sshtc_scenarios:-exec}
