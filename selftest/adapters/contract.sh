# Sourced by the misbehaving adapters: they misbehave in the exec scenario only, and answer the
# harness's compliance probe (a scenario no adapter knows) as the contract says, so that their
# cells show the misbehaviour itself. --version comes with no scenario at all.
case "${SSHTC_SCENARIO:-}" in
  ''|exec) ;;
  *) echo "scenario '$SSHTC_SCENARIO' is not implemented" >&2; exit 89 ;;
esac
