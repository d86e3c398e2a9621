#!/usr/bin/python3
"""Paramiko client adapter for ssh-transport-conformance (adapter contract v2).

Runs the scenario over the byte stream the harness hands us with a bare
paramiko.Transport (SSHClient would read ~/.ssh and the agent), and reports
like `ssh`: the remote stdout on stdout and its stderr on stderr, the remote
exit status as ours, 255 with a one-line reason on stderr when the session
fails, 89 when this adapter cannot do the transport or scenario. Scenarios:
exec, stdin, sftp, and forward over direct-tcpip (paramiko has no
direct-streamlocal channels).

`--proxy-command FD_RELAY` gives the Transport a paramiko.ProxyCommand instead
of the stream itself: `nc` on tcp; on the other transports FD_RELAY, the
suite's sshtc-fd-relay, which fetches the descriptors from an FdOffer.
"""

import argparse
import contextlib
import logging
import os
import re
import select
import shutil
import socket
import sys
import threading
import warnings
from typing import Callable

# Newer cryptography releases warn about the ciphers paramiko imports; that
# noise on stderr would bury the one-line reason the harness reads.
warnings.filterwarnings('ignore', module=r'paramiko(\.|$)')

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'contract'))
from sshtc_contract import (SESSION_FAILED, StdinFeeder,  # noqa: E402
                            Unsupported, channel_refused, check_scenario,
                            feed_stdin, forward_target, import_or_cannot_do,
                            one_line, opened, pass_on, sftp_transfers,
                            step)

# After the warning filter on purpose; not installed is a skip with the hint.
paramiko = import_or_cannot_do('paramiko', 'python3-paramiko')

from fd_offer import FdOffer  # noqa: E402

# paramiko logs its transport thread's errors; with no handler configured,
# logging's last resort prints them on stderr ahead of our one-line reason.
logging.getLogger('paramiko').addHandler(logging.NullHandler())

TCP_TRANSPORTS = {'tcp4', 'tcp6'}


class PipePair:
    """The socket-like object paramiko's Transport and Packetizer use
    (settimeout, recv, send, close, _closed), made of a read pipe and a write
    pipe. It has no getpeername, which is the truth for pipes: paramiko then
    says ('unknown', 0) and makes no socket call."""

    def __init__(self, fd_in: int, fd_out: int) -> None:
        self._in = fd_in
        self._out = fd_out
        self._timeout = None
        self._closed = False

    def settimeout(self, timeout) -> None:
        self._timeout = timeout

    def recv(self, size: int) -> bytes:
        # Transport polls with a 0.1 s timeout to notice it is being closed.
        readable, _, _ = select.select([self._in], [], [], self._timeout)
        if not readable:
            raise socket.timeout()
        return os.read(self._in, size)

    def send(self, data: bytes) -> int:
        return os.write(self._out, data)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            os.close(self._in)
            os.close(self._out)


def open_stream(env: dict):
    """What paramiko.Transport is given: (host, port) lets paramiko dial tcp
    itself; otherwise a socket or a PipePair over the harness's descriptors."""
    transport = env['SSHTC_TRANSPORT']
    if transport in TCP_TRANSPORTS:
        return env['SSHTC_HOST'], int(env['SSHTC_PORT'])
    fd_in, fd_out = int(env['SSHTC_FD_IN']), int(env['SSHTC_FD_OUT'])
    if fd_in == fd_out:
        # socket(fileno=) reads the family, type and protocol from the fd.
        return socket.socket(fileno=fd_in)
    return PipePair(fd_in, fd_out)


def open_proxy_command(env: dict, relay: str,
                       cleanup: contextlib.ExitStack) -> paramiko.ProxyCommand:
    if env['SSHTC_TRANSPORT'] in TCP_TRANSPORTS:
        if not shutil.which('nc'):
            raise Unsupported('the tcp ProxyCommand is nc: '
                              'apt-get install netcat-openbsd')
        return paramiko.ProxyCommand(f'nc {env["SSHTC_HOST"]} '
                                     f'{env["SSHTC_PORT"]}')
    offer = cleanup.enter_context(FdOffer(int(env['SSHTC_FD_IN']),
                                          int(env['SSHTC_FD_OUT'])))
    return paramiko.ProxyCommand(offer.relay_command(relay))


def wildcard(pattern: str) -> 're.Pattern':
    """An OpenSSH host pattern ('*' and '?' only; '[' is literal, as in
    '[127.0.0.1]:*') as a case-insensitive regular expression."""
    return re.compile('.*'.join('.'.join(map(re.escape, part.split('?')))
                                for part in pattern.split('*')),
                      re.IGNORECASE)


def line_matches(patterns: list, name: str) -> bool:
    """OpenSSH's match_hostname over one known_hosts line: some pattern
    matches and no negated ('!') pattern does."""
    matched = False
    for pattern in patterns:
        if wildcard(pattern.lstrip('!')).fullmatch(name):
            if pattern.startswith('!'):
                return False
            matched = True
    return matched


def known_keys(path: str, name: str) -> list:
    """The host keys that `path` lists for `name`.

    paramiko 2.12's HostKeys.lookup compares names literally (or hashed):
    hostkeys.py _hostname_matches has no wildcard patterns, so the harness's
    '[127.0.0.1]:*' never matches '[127.0.0.1]:PORT'. When the literal lookup
    finds nothing, the file's lines are matched as OpenSSH matches them.
    """
    listed = paramiko.HostKeys(path).lookup(name)
    if listed:
        return list(listed.values())
    with open(path, encoding='utf-8') as lines:
        entries = [paramiko.hostkeys.HostKeyEntry.from_line(line)
                   for line in lines
                   if line.strip() and not line.lstrip().startswith('#')]
    return [entry.key for entry in entries
            if entry and entry.key and line_matches(entry.hostnames, name)]


def check_host_key(transport: paramiko.Transport, env: dict) -> None:
    host, port = env['SSHTC_HOST'], int(env['SSHTC_PORT'])
    # The name known_hosts uses, as OpenSSH and paramiko's SSHClient write it.
    name = host if port == 22 else f'[{host}]:{port}'
    offered = transport.get_remote_server_key()
    known = known_keys(env['SSHTC_KNOWN_HOSTS'], name)
    if not any(key.asbytes() == offered.asbytes() for key in known):
        raise paramiko.SSHException(
            f'host key of {name} ({offered.get_name()}) not accepted: '
            f'{len(known)} key(s) listed for it in {env["SSHTC_KNOWN_HOSTS"]}')


def connect(transport: paramiko.Transport, env: dict) -> None:
    """Key exchange, the host key against known_hosts, then the user's key."""
    transport.start_client()
    check_host_key(transport, env)
    identity = paramiko.Ed25519Key.from_private_key_file(env['SSHTC_IDENTITY'])
    transport.auth_publickey(env['SSHTC_USER'], identity)


def copy_to(stream: str, read: Callable[[int], bytes]) -> None:
    """`read` (a channel's recv or recv_stderr) to our `stream` ('stdout' or
    'stderr') until the channel's EOF."""
    while True:
        data = read(32768)
        if not data:
            break
        pass_on(stream, data)


def start_feeding(channel: paramiko.Channel) -> StdinFeeder:
    """Our stdin to the channel, then EOF, while its data comes back here."""
    return feed_stdin(channel.sendall, channel.shutdown_write)


def run_exec(transport: paramiko.Transport, env: dict) -> int:
    """Scenarios exec and stdin: the remote stdout and stderr apart, on ours,
    and the remote exit status as ours."""
    channel = transport.open_session()
    channel.exec_command(env['SSHTC_COMMAND'])
    if env['SSHTC_SCENARIO'] == 'stdin':
        start_feeding(channel)
    else:
        # EOF on the remote stdin at once, like `ssh -n`: a command that
        # reads stdin cannot hang the cell.
        channel.shutdown_write()
    # Both streams are read at once: paramiko gives the remote window back
    # only for what is read, so an unread stderr could stall stdout.
    stderr = threading.Thread(target=copy_to,
                              args=('stderr', channel.recv_stderr))
    stderr.start()
    copy_to('stdout', channel.recv)
    stderr.join()
    # Also when the remote exited before our stdin ended: the feeder stops
    # on the closed channel, and the status is the answer.
    status = channel.recv_exit_status()
    if status < 0:
        raise paramiko.SSHException('channel closed without an exit status')
    return status


def run_sftp(transport: paramiko.Transport, env: dict) -> int:
    """Scenario sftp: the upload, then the download, over the subsystem."""
    files = sftp_transfers(env)
    sftp = paramiko.SFTPClient.from_transport(transport)
    if sftp is None:
        raise paramiko.SSHException('no session channel for the sftp subsystem')
    with sftp:
        with step(files.upload()):
            sftp.put(files.put_local, files.put_remote)
        with step(files.download()):
            sftp.get(files.get_remote, files.get_local)
    return 0


def run_forward(transport: paramiko.Transport, env: dict) -> int:
    """Scenario forward, as `ssh -W host:port`: our stdin to a direct-tcpip
    channel (EOF when it ends), the channel's data to our stdout until its
    EOF. check_can_do has already refused a streamlocal target."""
    target = forward_target(env)
    # The originator address is ours to choose (RFC 4254 7.2); sshd and
    # dropbear only log it.
    try:
        channel = transport.open_channel(target.kind(),
                                         (target.host, target.port),
                                         ('127.0.0.1', 0))
    except paramiko.ChannelException as exc:
        raise channel_refused(target, exc.code, exc.text) from exc
    start_feeding(channel)
    copy_to('stdout', channel.recv)
    channel.close()
    return 0


SCENARIOS = {'exec': run_exec, 'stdin': run_exec, 'sftp': run_sftp,
             'forward': run_forward}


def check_can_do(env: dict) -> None:
    """The scenario, and the variant of it, that paramiko can do: refused
    with Unsupported before anything is dialled."""
    check_scenario(env, set(SCENARIOS))
    if env['SSHTC_SCENARIO'] == 'forward' and forward_target(env).path:
        # open_channel packs a destination for the tcpip kinds only
        # (transport.py), and a direct-streamlocal@openssh.com open needs a
        # path and two reserved fields that no public method can add.
        raise Unsupported(f'paramiko {paramiko.__version__} cannot open '
                          f'direct-streamlocal@openssh.com channels: '
                          f'Transport.open_channel packs a destination '
                          f'address for the tcpip channel kinds only')


def proxy_stderr(stream) -> str:
    """What a ProxyCommand that has exited said, for the reason line."""
    process = getattr(stream, 'process', None)
    if process is None or process.poll() is None:
        return ''
    said = process.stderr.read().decode(errors='replace').strip()
    return f' (ProxyCommand exited {process.returncode}' + \
        (f': {said})' if said else ')')


def main(argv: list) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--proxy-command', metavar='FD_RELAY',
                        help='talk through a paramiko.ProxyCommand; FD_RELAY '
                             'is sshtc-fd-relay')
    parser.add_argument('--version', action='store_true')
    args = parser.parse_args(argv[1:])
    if args.version:
        suffix = ' (ProxyCommand)' if args.proxy_command else ''
        print(f'paramiko {paramiko.__version__}{suffix}')
        return 0
    with contextlib.ExitStack() as cleanup:
        return run_session(dict(os.environ), args.proxy_command, cleanup)


def run_session(env: dict, relay: str, cleanup: contextlib.ExitStack) -> int:
    def opening():
        check_can_do(env)
        return (open_proxy_command(env, relay, cleanup) if relay
                else open_stream(env))

    stream = opened('paramiko', opening)

    transport = None
    try:
        transport = paramiko.Transport(stream)
        connect(transport, env)
        return SCENARIOS[env['SSHTC_SCENARIO']](transport, env)
    except Exception as exc:  # pylint: disable=broad-except
        # Any failure of the session is exit 255, as with ssh.
        print(f'paramiko adapter: session failed: {one_line(exc)}'
              f'{proxy_stderr(stream)}', file=sys.stderr)
        return SESSION_FAILED
    finally:
        if transport is not None:
            close_quietly(transport)


def close_quietly(transport) -> None:
    """Closes, whatever paramiko 2.12's ProxyCommand.close thinks of it: it
    kills the command's pid unchecked, and once proxy_stderr() has reaped the
    command that raises ProcessLookupError, which would end us with a
    traceback (exit 1) instead of our exit status."""
    try:
        transport.close()
    except ProcessLookupError:
        pass


if __name__ == '__main__':
    sys.exit(main(sys.argv))
