#!/bin/sh
# Dropbear as a server adapter (the server contract, README): `dropbear -i` on the stream it is
# given as stdin and stdout. SSHTC_DROPBEAR points at a dropbear under test.
#
# Dropbear has no option for the authorized_keys path and reads ~user/.ssh/authorized_keys,
# with ~user from the passwd database. So it runs in a private mount namespace where
# /etc/passwd is the run's copy, in which the user's home is a directory of the run: the real
# ~/.ssh is never read or written, and nothing else is hidden (a suite built inside the real
# home still finds its audit library and run directory). As root that is `unshare --mount`. As
# another user it is an unprivileged user namespace, mapped to root for the bind mount, and
# inside it a second one that maps the user back, so that dropbear runs as the user it serves
# (a non-root dropbear serves only its own user, which is all the suite needs). Where user
# namespaces are not available, --version says so and the cells are SKIP with the reason.
#   dropbear_adapter.sh --version   once per run: the host key in dropbear's format, the home
#                                   and the passwd, in SSHTC_SERVER_STATE; prints the version
#   dropbear_adapter.sh             one session
sshtc_contract_dir=${0%/*}/../contract
. "$sshtc_contract_dir/sshtc_contract.sh"
dropbear=${SSHTC_DROPBEAR:-/usr/sbin/dropbear}
state=$SSHTC_SERVER_STATE

if [ "${1:-}" = --version ]; then
  if [ ! -x "$dropbear" ] || [ ! -x /usr/bin/dropbearconvert ]; then
    sshtc_cannot_do "dropbear is not installed ($dropbear): apt-get install dropbear-bin"
  fi
  if [ "$(id -u)" != 0 ] && ! refused=$(/usr/bin/unshare --user --map-root-user --mount /bin/true 2>&1); then
    sshtc_cannot_do "dropbear has no option for the authorized_keys path; the suite gives it a" \
      "private home in a mount namespace, which needs root or an unprivileged user namespace, and" \
      "\`unshare --user --map-root-user --mount\` failed here: $refused"
  fi
  entry=$(getent passwd "$SSHTC_USER") || { echo "no passwd entry for $SSHTC_USER" >&2; exit 1; }
  mkdir -p "$state/home/.ssh" && chmod 0700 "$state/home" &&
    cp "$SSHTC_AUTHORIZED_KEYS" "$state/home/.ssh/authorized_keys" || exit 1
  # The user's own line, with the run's home, is appended too when it comes from another
  # database (NSS) than /etc/passwd.
  { grep -v "^$SSHTC_USER:" /etc/passwd
    echo "$entry" | awk -F: -v OFS=: -v home="$state/home" '{ $6 = home; print }'
  } >"$state/passwd" || exit 1
  # The run's one host key, so that one known_hosts serves every server.
  rm -f "$state/host_ed25519"
  if ! converted=$(/usr/bin/dropbearconvert openssh dropbear "$SSHTC_HOST_KEY" "$state/host_ed25519" 2>&1); then
    echo "dropbearconvert could not convert the host key: $converted" | tr '\n' ' ' >&2
    exit 1
  fi
  # Who the sessions run as, asked now: a session starts no process it can do without.
  echo "$(id -u) $(id -g)" >"$state/ids" || exit 1
  "$dropbear" -V 2>&1 | sed -n '1s/^Dropbear v/dropbear /p'
  exit 0
fi

sshtc_check_scenario exec stdin sftp forward
if [ -n "${SSHTC_REKEY_BYTES:-}" ]; then
  sshtc_cannot_do "dropbear has no run-time re-key limit: KEX_REKEY_DATA (1 GB) is fixed when it is built"
fi
if [ -n "${SSHTC_FORWARD_PATH:-}" ]; then
  sshtc_cannot_do "dropbear serves no direct-streamlocal@openssh.com channels, only direct-tcpip"
fi
# dropbear -i refuses -E ("inetd mode is incompatible with ... non-syslog"): its log goes to
# syslog, and only what it prints before that lands in the server log.
exec 2>>"$SSHTC_SERVER_LOG"
read -r uid gid <"$state/ids"
as_user=
if [ "$uid" = 0 ]; then
  set -- --mount --propagation private
else
  set -- --user --map-root-user --mount --propagation private
  as_user="/usr/bin/unshare --user --map-user=$uid --map-group=$gid --"
fi
exec /usr/bin/unshare "$@" -- /bin/sh -c "mount --bind \"\$1\" /etc/passwd && exec $as_user \"\$2\" -i -s -m -r \"\$3\"" \
  sshtc-dropbear "$state/passwd" "$dropbear" "$state/host_ed25519"
