#!/bin/sh
# OpenSSH's sshd as a server adapter (the server contract, README): `sshd -i` on the stream it
# is given as stdin and stdout, or, when the harness gives it SSHTC_LISTEN_HOST and
# SSHTC_LISTEN_PORT (daemon mode), `sshd -D` listening there. Its first argument is the
# sshd_config template; SSHTC_SSHD points at an sshd under test.
#   sshd_adapter.sh TEMPLATE --version   once per run: renders and checks (sshd -t) the config
#                                        into SSHTC_SERVER_STATE, prints sshd's version
#   sshd_adapter.sh TEMPLATE             one session: exec sshd, so that sshd itself is audited
sshtc_contract_dir=${0%/*}/../contract
. "$sshtc_contract_dir/sshtc_contract.sh"
template=$1
config=$SSHTC_SERVER_STATE/sshd_config
sshd=${SSHTC_SSHD:-/usr/sbin/sshd}

if [ "${2:-}" = --version ]; then
  # Not installed is a SKIP; a wrong SSHTC_SSHD is the user's error, and fails the set-up.
  if [ ! -e "$sshd" ] && [ -z "${SSHTC_SSHD:-}" ]; then
    sshtc_cannot_do "sshd is not installed at $sshd: apt-get install openssh-server"
  fi
  [ -e "$sshd" ] || { echo "sshd not found at $sshd (SSHTC_SSHD)" >&2; exit 1; }
  [ -x "$sshd" ] || { echo "sshd at $sshd is not executable (SSHTC_SSHD)" >&2; exit 1; }
  # sshd as root wants its privilege-separation directory; Debian makes it only when the
  # service starts, which never happens on a CI machine.
  if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then mkdir -m 0755 -p /run/sshd; fi
  sed -e "s|@HOST_KEY@|$SSHTC_HOST_KEY|" -e "s|@AUTHORIZED_KEYS@|$SSHTC_AUTHORIZED_KEYS|" \
    "$template" >"$config" || exit 1
  if ! checked=$("$sshd" -t -f "$config" 2>&1); then
    echo "sshd -t rejected the config rendered from $template: $checked" | tr '\n' ' ' >&2
    exit 1
  fi
  # What marks a key exchange in its log at LogLevel DEBUG1 (kex.c kex_send_kexinit), for the
  # cases that count them (SSHTC_REKEY_BYTES).
  echo 'SSH2_MSG_KEXINIT sent' >"$SSHTC_SERVER_STATE/kex-log-marker" || exit 1
  # sshd has no --version; -V prints "OpenSSH_9.2, OpenSSL …" on stderr.
  "$sshd" -V 2>&1 | sed -n '1s/,.*//p'
  exit 0
fi

sshtc_check_scenario exec stdin sftp forward
# SSHTC_REKEY_BYTES: re-key after that many bytes, and log each key exchange (kex-log-marker).
# The positional parameters become sshd's extra options.
set --
if [ -n "${SSHTC_REKEY_BYTES:-}" ]; then
  set -- -o "RekeyLimit=$SSHTC_REKEY_BYTES" -o LogLevel=DEBUG1
fi
# -E, not -e: -e would put sshd's debug lines into the session's own stderr.
if [ -n "${SSHTC_LISTEN_PORT:-}" ]; then
  exec "$sshd" -D -f "$config" -E "$SSHTC_SERVER_LOG" -o "ListenAddress=$SSHTC_LISTEN_HOST:$SSHTC_LISTEN_PORT" "$@"
fi
exec "$sshd" -i -f "$config" -E "$SSHTC_SERVER_LOG" "$@"
