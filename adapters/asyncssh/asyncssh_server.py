#!/usr/bin/python3
"""AsyncSSH as an inetd-mode server adapter (the server contract, README).

One connection on the stream the harness gives as stdin and stdout, served
the way an asyncssh program serves a connection it did not accept itself:
`connect_reverse(tunnel=...)`, the server end over any stream. It serves exec
(the command through /bin/sh -c, stdin, stdout and stderr kept apart), the
sftp subsystem (asyncssh's own SFTPServer), direct-tcpip and
direct-streamlocal@openssh.com channels (asyncssh opens them itself), and
re-keys after SSHTC_REKEY_BYTES, logging each key exchange.

`--fix` applies upstream's dcd1c61 (ronf/asyncssh#688) in-process: the
original bug is in SSHConnection.connection_made, which the server runs too.

    asyncssh_server.py [--fix] --version   once per run: loads the host key
                                           and the authorized keys, leaves the
                                           kex-log-marker, prints the version
    asyncssh_server.py [--fix]             one session on stdin and stdout
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from asyncssh_stream import (FIX_ID, CallbackErrors, apply_fix,  # noqa: E402
                             asyncssh, make_fd_connector, tunnel_for)
from sshtc_contract import SESSION_FAILED, check_scenario, opened  # noqa: E402

# What asyncssh logs (at debug level 1) once per key exchange, on either side.
KEX_LOG_MARKER = 'Beginning key exchange'
CHUNK = 32768


class Server(asyncssh.SSHServer):
    """Public-key login for SSHTC_USER only; forwarding channels accepted,
    asyncssh makes the connections itself."""

    def __init__(self, user: str) -> None:
        self._user = user

    def begin_auth(self, username: str) -> bool:
        if username != self._user:
            raise asyncssh.PermissionDenied(f'no such user {username!r}')
        return True

    def connection_requested(self, dest_host: str, dest_port: int,
                             orig_host: str, orig_port: int) -> bool:
        return True

    def unix_connection_requested(self, dest_path: str) -> bool:
        return True


async def copy(source: asyncio.StreamReader, sink: asyncssh.SSHWriter) -> None:
    """A command's output onto the channel's stdout or stderr."""
    while True:
        data = await source.read(CHUNK)
        if not data:
            break
        sink.write(data)
        await sink.drain()


async def feed(reader: asyncssh.SSHReader, sink: asyncio.StreamWriter) -> None:
    """The channel's data to the command's stdin; its EOF closes that stdin."""
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            sink.write(data)
            await sink.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the command stopped reading: allowed (it may exit first)
    finally:
        sink.close()


async def run_command(process: asyncssh.SSHServerProcess) -> None:
    """exec: the command through /bin/sh -c, its three streams copied apart
    (not `redirect`, which may close the channel before the output is sent),
    its exit status as the channel's."""
    command = await asyncio.create_subprocess_exec(
        '/bin/sh', '-c', process.command or '',
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    feeding = asyncio.ensure_future(feed(process.stdin, command.stdin))
    await asyncio.gather(copy(command.stdout, process.stdout),
                         copy(command.stderr, process.stderr))
    status = await command.wait()
    feeding.cancel()
    process.exit(status if status >= 0 else 128 - status)


def server_options(env: dict) -> dict:
    options: dict = dict(
        server_host_keys=[env['SSHTC_HOST_KEY']],
        authorized_client_keys=env['SSHTC_AUTHORIZED_KEYS'],
        password_auth=False, kbdint_auth=False,
        process_factory=run_command, encoding=None,
        sftp_factory=True, allow_scp=False,
        # Nothing from the machine's configuration.
        config=[], x509_trusted_certs=None, x509_trusted_cert_paths=[])
    if env.get('SSHTC_REKEY_BYTES'):
        options['rekey_bytes'] = int(env['SSHTC_REKEY_BYTES'])
    return options


def prepare(env: dict) -> None:
    """Once per run: a broken key fails the set-up with its reason, and the
    re-key case learns which log line marks a key exchange."""
    asyncssh.read_private_key(env['SSHTC_HOST_KEY'])
    asyncssh.read_authorized_keys(env['SSHTC_AUTHORIZED_KEYS'])
    with open(os.path.join(env['SSHTC_SERVER_STATE'], 'kex-log-marker'), 'w',
              encoding='utf-8') as marker:
        print(KEX_LOG_MARKER, file=marker)


def log_to(path: str) -> None:
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter('%(asctime)s %(message)s'))
    logging.getLogger('asyncssh').addHandler(handler)
    logging.getLogger('asyncssh').setLevel(logging.DEBUG)
    asyncssh.set_debug_level(1)


async def serve(env: dict, stream: object, errors: CallbackErrors) -> None:
    errors.install()
    conn = await asyncssh.connect_reverse(
        'sshtc-client', 0, tunnel=tunnel_for(stream),
        server_factory=lambda: Server(env['SSHTC_USER']), **server_options(env))
    await conn.wait_closed()


def main(argv: list) -> int:
    fix = '--fix' in argv[1:]
    env = dict(os.environ)
    if '--version' in argv[1:]:
        try:
            prepare(env)
        except Exception as exc:  # pylint: disable=broad-except
            print(f'asyncssh server: cannot prepare: {exc}', file=sys.stderr)
            return 1
        suffix = f'+fix-{FIX_ID}' if fix else ''
        print(f'asyncssh {asyncssh.__version__}{suffix}')
        return 0

    def opening() -> object:
        check_scenario(env, {'exec', 'stdin', 'sftp', 'forward'})
        if fix:
            apply_fix()
        return make_fd_connector(0, 1)

    stream = opened('asyncssh server', opening)
    # Descriptor 1 is the stream: nothing else may print to it.
    sys.stdout = sys.stderr
    log_to(env['SSHTC_SERVER_LOG'])
    errors = CallbackErrors()
    try:
        asyncio.run(serve(env, stream, errors))
        return 0
    except Exception as exc:  # pylint: disable=broad-except
        print(f'asyncssh server: session failed: {errors.explain(exc)}',
              file=sys.stderr)
        return SESSION_FAILED


if __name__ == '__main__':
    sys.exit(main(sys.argv))
