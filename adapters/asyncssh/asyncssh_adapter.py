#!/usr/bin/python3
"""AsyncSSH client adapter for ssh-transport-conformance (adapter contract v2).

Runs the scenario (exec, stdin, sftp, forward) over the byte stream the
harness hands us and reports like `ssh`: the remote stdout on stdout and its
stderr on stderr, the remote exit status as ours, 255 with a one-line reason
on stderr when the session fails, 89 when this adapter cannot do the
transport or scenario.

`--fix` applies upstream commit dcd1c61 (ronf/asyncssh#688, released in
2.18.0) in-process, so the suite can show the same cell failing without it and
passing with it.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import socket
import sys
from typing import Any, Callable, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from asyncssh_stream import (FIX_ID, CallbackErrors, apply_fix,  # noqa: E402
                             asyncssh, make_connector, tunnel_for)
from sshtc_contract import (SESSION_FAILED, StdinFeeder,  # noqa: E402
                            channel_refused, check_scenario, feed_stdin,
                            forward_target, opened, pass_on, sftp_transfers,
                            step)


# --- the session --------------------------------------------------------------

def connect_options(env: dict, stream: Optional[object]) -> dict:
    kwargs: dict = dict(
        username=env['SSHTC_USER'],
        client_keys=[env['SSHTC_IDENTITY']],
        known_hosts=env['SSHTC_KNOWN_HOSTS'],
        # Nothing from the user's environment: no agent, no ~/.ssh/config,
        # no ~/.ssh/ca-bundle.crt or ~/.ssh/crt X.509 defaults.
        agent_path=None,
        config=[],
        x509_trusted_certs=None,
        x509_trusted_cert_paths=[],
    )
    if isinstance(stream, socket.socket) and \
            'sock' in inspect.signature(asyncssh.connect).parameters:
        kwargs['sock'] = stream
    elif stream is not None:
        kwargs['tunnel'] = tunnel_for(stream)
    return kwargs


async def copy_to(stream: str, reader: asyncssh.SSHReader) -> None:
    """`reader` (a channel's stdout or stderr) to our `stream` ('stdout' or
    'stderr') until the channel's EOF."""
    while True:
        data = await reader.read(32768)
        if not data:
            break
        pass_on(stream, data)


def start_feeding(writer: asyncssh.SSHWriter) -> StdinFeeder:
    """Our stdin to the channel, then EOF, while its data comes back here.

    The feeder is a thread (see StdinFeeder); each chunk it reads runs as a
    write and a drain in this loop, and the thread waits for the drain: the
    channel's window paces how fast stdin is read.
    """
    loop = asyncio.get_running_loop()

    async def send(chunk: bytes) -> None:
        writer.write(chunk)
        await writer.drain()

    async def end() -> None:
        writer.write_eof()

    def in_loop(coroutine_function: Callable[..., Any]) -> Callable[..., None]:
        return lambda *args: asyncio.run_coroutine_threadsafe(
            coroutine_function(*args), loop).result()

    return feed_stdin(in_loop(send), in_loop(end))


async def run_exec(conn: asyncssh.SSHClientConnection, env: dict) -> int:
    """Scenarios exec and stdin: the remote stdout and stderr apart, on ours,
    as they come, and the remote exit status as ours."""
    process = await conn.create_process(env['SSHTC_COMMAND'], encoding=None)
    if env['SSHTC_SCENARIO'] == 'stdin':
        start_feeding(process.stdin)
    else:
        # EOF on the remote stdin at once, like `ssh -n`: a command that
        # reads stdin cannot hang the cell.
        process.stdin.write_eof()
    # Both at once: asyncssh stops reading the channel while either
    # stream's buffer is full, so an unread stderr could stall stdout.
    await asyncio.gather(copy_to('stdout', process.stdout),
                         copy_to('stderr', process.stderr))
    # Also when the remote exited before our stdin ended: the feeder stops
    # on the closed channel, and the status is the answer.
    await process.wait_closed()
    if process.exit_status is not None and process.exit_status >= 0:
        return process.exit_status
    # Like ssh: killed by a signal, or the channel closed without a status.
    if process.exit_signal:
        reason = f'remote command killed by signal {process.exit_signal[0]}'
    else:
        reason = 'channel closed without an exit status (connection lost?)'
    print(f'asyncssh adapter: session failed: {reason}', file=sys.stderr)
    return SESSION_FAILED


async def run_sftp(conn: asyncssh.SSHClientConnection, env: dict) -> int:
    """Scenario sftp: the upload, then the download, over the subsystem."""
    files = sftp_transfers(env)
    async with conn.start_sftp_client() as sftp:
        with step(files.upload()):
            await sftp.put(files.put_local, files.put_remote)
        with step(files.download()):
            await sftp.get(files.get_remote, files.get_local)
    return 0


async def run_forward(conn: asyncssh.SSHClientConnection, env: dict) -> int:
    """Scenario forward, as `ssh -W`: our stdin to a direct-tcpip or
    direct-streamlocal@openssh.com channel (EOF when it ends), the channel's
    data to our stdout until its EOF."""
    target = forward_target(env)
    try:
        if target.path:
            reader, writer = await conn.open_unix_connection(target.path)
        else:
            reader, writer = await conn.open_connection(target.host,
                                                        target.port)
    except asyncssh.ChannelOpenError as exc:
        raise channel_refused(target, exc.code, exc.reason) from exc
    start_feeding(writer)
    await copy_to('stdout', reader)
    writer.close()
    return 0


SCENARIOS = {'exec': run_exec, 'stdin': run_exec, 'sftp': run_sftp,
             'forward': run_forward}


async def run_session(env: dict, stream: Optional[object]) -> int:
    async with asyncssh.connect(env['SSHTC_HOST'], int(env['SSHTC_PORT']),
                                **connect_options(env, stream)) as conn:
        return await SCENARIOS[env['SSHTC_SCENARIO']](conn, env)


def main(argv: list) -> int:
    fix = '--fix' in argv[1:]
    if '--version' in argv[1:]:
        suffix = f'+fix-{FIX_ID}' if fix else ''
        print(f'asyncssh {asyncssh.__version__}{suffix}')
        return 0

    env = dict(os.environ)

    def opening() -> Callable:
        check_scenario(env, set(SCENARIOS))
        if fix:
            apply_fix()
        return make_connector(env)

    stream = opened('asyncssh', opening)

    errors = CallbackErrors()

    async def session() -> int:
        errors.install()
        return await run_session(env, stream)

    try:
        return asyncio.run(session())
    except Exception as exc:  # pylint: disable=broad-except
        # Any failure of the session is exit 255, as with ssh.
        reason = errors.explain(exc)
        print(f'asyncssh adapter: session failed: {reason}', file=sys.stderr)
        return SESSION_FAILED


if __name__ == '__main__':
    sys.exit(main(sys.argv))
