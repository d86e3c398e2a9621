#!/bin/sh
# A server of the user's own, as SSHTC_EXTRA_SERVERS adds one: `sshd -i` with a config made from
# what the server contract gives (harness/external_server.cpp), in its private TMPDIR.
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
CONFIG
exec /usr/sbin/sshd -i -f "$TMPDIR/sshd_config" -E "$SSHTC_SERVER_LOG"
