"""What the asyncssh client and server adapters share: asyncssh imported the
contract's way, upstream's fix for ronf/asyncssh#688 (dcd1c61) to apply
in-process, the connectors that run a connection over the stream the harness
hands over, and the errors asyncio keeps to itself.

The #688 line is in SSHConnection.connection_made, which both ends run: the
same stream, the same fix, for the client and for the server.
"""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import sys
import warnings
from typing import Any, Callable, List, Optional, Tuple

# Debian's cryptography warns about Blowfish/CAST5/SEED as asyncssh imports
# them; that noise on stderr would bury the one-line reason the harness reads.
warnings.filterwarnings('ignore', module=r'asyncssh(\.|$)')
warnings.filterwarnings('ignore', message=r'.* has been deprecated')

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'contract'))
from sshtc_contract import Unsupported, import_or_cannot_do, one_line  # noqa: E402

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
    return make_fd_connector(int(env['SSHTC_FD_IN']), int(env['SSHTC_FD_OUT']))


def make_fd_connector(fd_in: int, fd_out: int) -> object:
    """Two descriptors of one stream: the socket when they are one socket,
    two pipes' ends otherwise."""
    if fd_in == fd_out or (stat.S_ISSOCK(os.fstat(fd_in).st_mode) and
                           os.path.sameopenfile(fd_in, fd_out)):
        # socket(fileno=) reads the family, type and protocol from the fd.
        return socket.socket(fileno=fd_in)
    return PipeConnector(fd_in, fd_out)


def tunnel_for(stream: object) -> object:
    """The `tunnel=` argument that runs a connection over `stream`."""
    if isinstance(stream, socket.socket):
        return SocketConnector(stream)
    return stream


class CallbackErrors:
    """Exceptions raised inside asyncio callbacks (the TCP_NODELAY OSError in
    connection_made) never reach the caller, which only sees the connection
    die. Kept here, instead of asyncio's multi-line log, for the reason line."""

    def __init__(self) -> None:
        self.said: List[str] = []

    def install(self) -> None:
        asyncio.get_running_loop().set_exception_handler(self._handle)

    def _handle(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        exc = context.get('exception')
        text = one_line(exc) if exc else context['message']
        # Name the failing callback (e.g. SSHConnection.connection_made).
        callback = getattr(context.get('handle'), '_callback', None)
        where = getattr(callback, '__qualname__', None)
        self.said.append(f'{text} in {where}' if where else text)

    def explain(self, exc: BaseException) -> str:
        """The one-line reason of a failed session."""
        reason = one_line(exc)
        lost = isinstance(exc, (asyncssh.ConnectionLost, ConnectionError))
        if lost and 'connection lost' not in reason.lower():
            reason = f'connection lost: {reason}'
        if self.said:
            reason += ' (raised in an asyncio callback before that: ' + \
                '; '.join(self.said) + ')'
        return reason
