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
import warnings
from typing import Any, Callable, Optional, Tuple

# Debian's cryptography warns about Blowfish/CAST5/SEED as asyncssh imports
# them; that noise on stderr would bury the one-line reason the harness reads.
warnings.filterwarnings('ignore', module=r'asyncssh(\.|$)')
warnings.filterwarnings('ignore', message=r'.* has been deprecated')

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'contract'))
from sshtc_contract import (SESSION_FAILED, StdinFeeder,  # noqa: E402
                            Unsupported, channel_refused, check_scenario,
                            feed_stdin, forward_target, import_or_cannot_do,
                            one_line, opened, pass_on, sftp_transfers,
                            step)

# After the warning filters on purpose; not installed is a skip with the hint.
asyncssh = import_or_cannot_do('asyncssh', 'python3-asyncssh')
from asyncssh.connection import SSHConnection  # noqa: E402

FIX_ID = 'dcd1c61'
# The patched method body below is a copy of this release series' method.
FIX_BODY_SERIES = '2.10.'


# --- the upstream fix, applied in-process ------------------------------------

def _connection_made_dcd1c61(self: SSHConnection,
                             transport: asyncio.BaseTransport) -> None:
    """SSHConnection.connection_made of asyncssh 2.10.1 with dcd1c61 applied.

    Identical to the released method except that TCP_NODELAY is only set on
    inet sockets: on AF_UNIX it fails with EOPNOTSUPP and, being outside the
    try below, escapes into asyncio, which logs it while the SSH handshake
    never starts. SO_KEEPALIVE stays unconditional, as upstream: it is a
    SOL_SOCKET option and works on AF_UNIX.
    """
    self._transport = transport

    sock = transport.get_extra_info('socket')

    if sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE,
                        self._tcp_keepalive)

        if sock.family in {socket.AF_INET, socket.AF_INET6}:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    sockname = transport.get_extra_info('sockname')

    if sockname:
        self._local_addr, self._local_port = sockname[:2]

    peername = transport.get_extra_info('peername')

    if peername:
        self._peer_addr, self._peer_port = peername[:2]

    self._owner = self._protocol_factory()

    # pylint: disable=broad-except
    try:
        self._connection_made()
        self._owner.connection_made(self)
        self._send_version()
    except Exception:
        self._loop.call_soon(self.internal_error, sys.exc_info())


def apply_fix() -> None:
    if not asyncssh.__version__.startswith(FIX_BODY_SERIES):
        # Grafting a 2.10 method body onto another release could break it in
        # ways that have nothing to do with the bug under test.
        raise Unsupported(f'--fix reimplements {FIX_ID} for asyncssh '
                          f'{FIX_BODY_SERIES}x only, found '
                          f'{asyncssh.__version__}')
    SSHConnection.connection_made = _connection_made_dcd1c61  # type: ignore


# --- byte-stream connectors ---------------------------------------------------
# asyncssh 2.10 has no sock= argument, but its tunnel= argument accepts any
# object with `async create_connection(protocol_factory, host, port)` that
# returns (transport, protocol): the hook a WebRTC tunnel plugs into.

class SocketConnector:
    """Runs SSH over an already connected socket (AF_UNIX for fd transports)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    async def create_connection(self, protocol_factory: Callable[[], Any],
                                host: str, port: int) -> Tuple[Any, Any]:
        loop = asyncio.get_running_loop()
        return await loop.create_connection(protocol_factory, sock=self._sock)


class _PipeReadSide(asyncio.Protocol):
    def __init__(self, duplex: PipeDuplexTransport) -> None:
        self._duplex = duplex

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # asyncio calls this before it starts polling the fd, so the SSH
        # protocol is attached before the server's banner can arrive.
        self._duplex.attach_reader(transport)

    def data_received(self, data: bytes) -> None:
        self._duplex.protocol.data_received(data)

    def eof_received(self) -> Optional[bool]:
        return self._duplex.protocol.eof_received()

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._duplex.side_lost(exc)


class _PipeWriteSide(asyncio.BaseProtocol):
    def __init__(self, duplex: PipeDuplexTransport) -> None:
        self._duplex = duplex

    def pause_writing(self) -> None:
        self._duplex.protocol.pause_writing()

    def resume_writing(self) -> None:
        self._duplex.protocol.resume_writing()

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._duplex.side_lost(exc)


class PipeDuplexTransport(asyncio.Transport):
    """One duplex transport made of a read pipe and a write pipe.

    It has no 'socket', 'sockname' or 'peername' extra info, which is the
    truth for pipes; asyncssh then makes no socket calls on it.
    """

    def __init__(self, protocol: asyncio.Protocol) -> None:
        super().__init__()
        self.protocol = protocol
        self.reader: Optional[asyncio.ReadTransport] = None
        self.writer: Optional[asyncio.WriteTransport] = None
        self._lost = False

    def attach_reader(self, reader: asyncio.BaseTransport) -> None:
        self.reader = reader  # type: ignore[assignment]
        self.protocol.connection_made(self)

    def side_lost(self, exc: Optional[Exception]) -> None:
        # Either direction ending ends the SSH connection; tell it once.
        if self._lost:
            return
        self._lost = True
        self.close()
        self.protocol.connection_lost(exc)

    # asyncio.Transport methods asyncssh uses
    def write(self, data: bytes) -> None:
        assert self.writer is not None
        self.writer.write(data)

    def is_closing(self) -> bool:
        return self._lost or bool(self.writer and self.writer.is_closing())

    def close(self) -> None:
        for side in (self.writer, self.reader):
            if side and not side.is_closing():
                side.close()

    def abort(self) -> None:
        if self.writer:
            self.writer.abort()
        if self.reader and not self.reader.is_closing():
            self.reader.close()

    def pause_reading(self) -> None:
        if self.reader:
            self.reader.pause_reading()

    def resume_reading(self) -> None:
        if self.reader:
            self.reader.resume_reading()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {'pipe_in': self.reader, 'pipe_out': self.writer}.get(
            name, default)


class PipeConnector:
    """Runs SSH over two pipes: read from fd_in, write to fd_out."""

    def __init__(self, fd_in: int, fd_out: int) -> None:
        self._fd_in = fd_in
        self._fd_out = fd_out

    async def create_connection(self, protocol_factory: Callable[[], Any],
                                host: str, port: int) -> Tuple[Any, Any]:
        loop = asyncio.get_running_loop()
        protocol = protocol_factory()
        duplex = PipeDuplexTransport(protocol)
        # The write side first: the read side hands the protocol to asyncssh,
        # which writes its version string at once.
        duplex.writer, _ = await loop.connect_write_pipe(
            lambda: _PipeWriteSide(duplex), open(self._fd_out, 'wb', 0))
        await loop.connect_read_pipe(
            lambda: _PipeReadSide(duplex), open(self._fd_in, 'rb', 0))
        return duplex, protocol


def make_connector(env: dict) -> Optional[object]:
    """None means: let asyncssh connect over TCP itself. Otherwise what the
    harness handed over, read from the contract rather than the transport's
    name, so that every socket transport (mptcp, unix-abstract, vsock…) is
    one: no descriptor, dial; one descriptor, a socket; two, pipes."""
    if not env.get('SSHTC_FD_IN'):
        return None
    fd_in, fd_out = int(env['SSHTC_FD_IN']), int(env['SSHTC_FD_OUT'])
    if fd_in == fd_out:
        # socket(fileno=) reads the family, type and protocol from the fd.
        return socket.socket(fileno=fd_in)
    return PipeConnector(fd_in, fd_out)


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
    if isinstance(stream, socket.socket):
        if 'sock' in inspect.signature(asyncssh.connect).parameters:
            kwargs['sock'] = stream
        else:
            kwargs['tunnel'] = SocketConnector(stream)
    elif stream is not None:
        kwargs['tunnel'] = stream
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

    # Exceptions raised inside asyncio callbacks (the TCP_NODELAY OSError in
    # connection_made) never reach the caller, which only sees the connection
    # die. Keep them, instead of asyncio's multi-line log, for the reason line.
    callback_errors: list = []

    def on_loop_error(loop: asyncio.AbstractEventLoop, context: dict) -> None:
        exc = context.get('exception')
        text = one_line(exc) if exc else context['message']
        # Name the failing callback (e.g. SSHConnection.connection_made).
        callback = getattr(context.get('handle'), '_callback', None)
        where = getattr(callback, '__qualname__', None)
        callback_errors.append(f'{text} in {where}' if where else text)

    async def session() -> int:
        asyncio.get_running_loop().set_exception_handler(on_loop_error)
        return await run_session(env, stream)

    try:
        return asyncio.run(session())
    except Exception as exc:  # pylint: disable=broad-except
        # Any failure of the session is exit 255, as with ssh.
        reason = one_line(exc)
        lost = isinstance(exc, (asyncssh.ConnectionLost, ConnectionError))
        if lost and 'connection lost' not in reason.lower():
            reason = f'connection lost: {reason}'
        if callback_errors:
            reason += ' (raised in an asyncio callback before that: ' + \
                '; '.join(callback_errors) + ')'
        print(f'asyncssh adapter: session failed: {reason}', file=sys.stderr)
        return SESSION_FAILED


if __name__ == '__main__':
    sys.exit(main(sys.argv))
