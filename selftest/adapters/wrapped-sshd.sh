#!/bin/sh
# A server of the user's own, as SSHTC_EXTRA_SERVERS adds one: `sshd -i` with a config made from
# what the server contract gives, in its private TMPDIR, per session (a real adapter may do that
# once per run, in SSHTC_SERVER_STATE, when its --version is asked).
# A plain sshd serves these; sftp would need a Subsystem line.
sshtc_scenarios="exec stdin forward"
. "$(dirname "$0")/contract.sh"
if [ "${1:-}" = --version ]; then
  echo "wrapped $(/usr/sbin/sshd -V 2>&1 | sed -n '1s/,.*//p')"
  exit 0
fi
cat >"$TMPDIR/sshd_config" <<CONFIG
HostKey $SSHTC_HOST_KEY
AuthorizedKeysFile $SSHTC_AUTHORIZED_KEYS
PidFile none
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
SetEnv SHLVL=1
LogLevel ${SSHTC_WRAPPED_LOG_LEVEL:-INFO}
CONFIG
exec /usr/sbin/sshd -i -f "$TMPDIR/sshd_config" -E "$SSHTC_SERVER_LOG"
