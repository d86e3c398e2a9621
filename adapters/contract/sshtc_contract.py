"""What the suite's Python adapters share (adapter contract v2, README).

The reserved exit codes come from exit_codes.txt beside this file, their one
definition; the C++ side is generated from the same file. An adapter imports
this module before its SSH library, so that a library that is not installed
is a SKIP with the install hint (`import_or_cannot_do`), never a crash.

Besides: the v2 scenarios' variables, read the same way by both adapters
(`sftp_transfers`, `forward_target`), and the copy of the adapter's own stdin
onto a channel (`feed_stdin`) that the stdin and forward scenarios share.
"""

import contextlib
import os
import sys
import threading
from typing import Callable, NamedTuple, Optional, TypeVar

T = TypeVar('T')


def _read_exit_codes() -> dict:
    codes = {}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'exit_codes.txt')
    with open(path, encoding='utf-8') as lines:
        for line in lines:
            if line[:1].isalpha():
                name, code = line.split()[:2]
                codes[name.upper().replace('-', '_')] = int(code)
    return codes


_CODES = _read_exit_codes()
SESSION_FAILED = _CODES['SESSION_FAILED']
CANNOT_DO = _CODES['CANNOT_DO']


class Unsupported(Exception):
    """This adapter cannot do the requested transport or scenario (CANNOT_DO)."""


def one_line(exc: BaseException) -> str:
    """The exception as the one-line reason the harness reads."""
    # A StepFailed already names its cause's type after the step.
    said = str(exc) if isinstance(exc, StepFailed) else f'{type(exc).__name__}: {exc}'
    return said.replace('\n', ' ')


class StepFailed(Exception):
    """A step of a scenario failed; the message names the step, then why."""


@contextlib.contextmanager
def step(what: str):
    """Names the step in the reason of whatever fails inside it: "sftp upload
    of L to R: FileNotFoundError: ..." tells which half of a scenario broke,
    where the library's own error often says only "No such file"."""
    try:
        yield
    except StepFailed:
        raise
    except Exception as exc:
        raise StepFailed(f'{what}: {one_line(exc)}') from exc


def pass_on(stream: str, data: bytes) -> None:
    """Data from the remote's `stream` ('stdout' or 'stderr') onto ours,
    flushed as it comes. Our reader gone (EPIPE: `adapter | head -c N`) is a
    StepFailed that says so: a BrokenPipeError alone reads like a lost
    connection."""
    out = getattr(sys, stream).buffer
    try:
        out.write(data)
        out.flush()
    except OSError as exc:
        raise StepFailed(f'passing the remote {stream} on to ours: '
                         f'{one_line(exc)}') from exc


def import_or_cannot_do(module: str, package: str):
    """The module, or exit CANNOT_DO naming the Debian package to install."""
    try:
        return __import__(module)
    except ImportError as error:
        print(f'{module} is not importable by {sys.executable} ({error}): '
              f'apt-get install {package}', file=sys.stderr)
        sys.exit(CANNOT_DO)


def check_scenario(env: dict, supported: set) -> None:
    """Raises Unsupported for a scenario this adapter does not implement: the
    harness's compliance probe asks for one that no adapter knows."""
    scenario = env.get('SSHTC_SCENARIO', '')
    if scenario not in supported:
        raise Unsupported(f'scenario {scenario!r} is not implemented')


class SftpTransfers(NamedTuple):
    """Scenario sftp: upload put_local to put_remote, then download
    get_remote to get_local."""
    put_local: str
    put_remote: str
    get_remote: str
    get_local: str

    def upload(self) -> str:
        return f'sftp upload of {self.put_local} to {self.put_remote}'

    def download(self) -> str:
        return f'sftp download of {self.get_remote} to {self.get_local}'


def _path_pair(env: dict, name: str) -> tuple:
    # The contract's paths are absolute and hold no colon, so one colon
    # splits the pair; anything else is the harness's mistake, said as such.
    pair = env[name].split(':')
    if len(pair) != 2 or not all(path.startswith('/') for path in pair):
        raise ValueError(f'{name}={env[name]!r} is not ABSOLUTE:ABSOLUTE')
    return tuple(pair)


def sftp_transfers(env: dict) -> SftpTransfers:
    """SSHTC_SFTP_PUT=L:R and SSHTC_SFTP_GET=R2:L2 (KeyError or ValueError
    when the harness's variables are missing or malformed)."""
    return SftpTransfers(*_path_pair(env, 'SSHTC_SFTP_PUT'),
                         *_path_pair(env, 'SSHTC_SFTP_GET'))


class ForwardTarget(NamedTuple):
    """Scenario forward: a direct-tcpip channel to (host, port), or, when
    path is set, a direct-streamlocal@openssh.com channel to that path."""
    host: Optional[str]
    port: Optional[int]
    path: Optional[str]

    def kind(self) -> str:
        return 'direct-streamlocal@openssh.com' if self.path else 'direct-tcpip'

    def address(self) -> str:
        return self.path or f'{self.host}:{self.port}'


def forward_target(env: dict) -> ForwardTarget:
    """SSHTC_FORWARD_PATH, or SSHTC_FORWARD_HOST and SSHTC_FORWARD_PORT."""
    path = env.get('SSHTC_FORWARD_PATH')
    if path:
        return ForwardTarget(None, None, path)
    return ForwardTarget(env['SSHTC_FORWARD_HOST'],
                         int(env['SSHTC_FORWARD_PORT']), None)


# RFC 4254 section 5.1: the reason codes of SSH_MSG_CHANNEL_OPEN_FAILURE.
OPEN_FAILURE_REASONS = {1: 'SSH_OPEN_ADMINISTRATIVELY_PROHIBITED',
                        2: 'SSH_OPEN_CONNECT_FAILED',
                        3: 'SSH_OPEN_UNKNOWN_CHANNEL_TYPE',
                        4: 'SSH_OPEN_RESOURCE_SHORTAGE'}


def channel_refused(target: ForwardTarget, code: int, said: str) -> 'StepFailed':
    """The server's refusal of the forward's channel, with its reason code
    by name: dropbear, for one, sends no description with it."""
    reason = OPEN_FAILURE_REASONS.get(code, 'reason code')
    text = (f'the server refused the {target.kind()} channel to '
            f'{target.address()}: {reason} ({code})')
    return StepFailed(f'{text}: {said}' if said else text)


class StdinFeeder(threading.Thread):
    """Copies the adapter's stdin (descriptor 0) to a channel with `send`,
    then calls `end` (the channel's EOF), while the caller reads the channel:
    a remote `cat` of megabytes would stall both SSH windows if all of stdin
    went first.

    A daemon thread, and os.read rather than sys.stdin.buffer: a stdin that
    never ends (/dev/zero) or never speaks must not keep the adapter alive
    once the remote command has exited, and a daemon thread left inside
    BufferedReader.read would abort the interpreter's shutdown on its lock.

    When `send` or `end` raises, feeding stops and the exception is kept in
    `error`: the remote closing the channel before stdin ends is allowed
    (the remote's exit status is the answer), so only the caller, which sees
    how the session ended, can tell whether it matters.
    """

    CHUNK = 32768

    def __init__(self, send: Callable[[bytes], None],
                 end: Callable[[], None]) -> None:
        super().__init__(name='sshtc-stdin-feeder', daemon=True)
        self._send = send
        self._end = end
        self.error: Optional[BaseException] = None

    def run(self) -> None:
        try:
            while True:
                chunk = os.read(0, self.CHUNK)
                if not chunk:
                    break
                self._send(chunk)
            self._end()
        except Exception as exc:  # pylint: disable=broad-except
            self.error = exc


def feed_stdin(send: Callable[[bytes], None],
               end: Callable[[], None]) -> StdinFeeder:
    """A started StdinFeeder."""
    feeder = StdinFeeder(send, end)
    feeder.start()
    return feeder


def opened(adapter: str, opening: Callable[[], T]) -> T:
    """What `opening` returns (it checks the scenario and opens the stream the
    harness hands over), or the adapter exits as the contract says: CANNOT_DO
    for what it cannot do, SESSION_FAILED for a missing or malformed variable
    or a descriptor that is not what the transport says (e.g. ENOTSOCK)."""
    try:
        return opening()
    except Unsupported as exc:
        print(f'{adapter} adapter: unsupported: {exc}', file=sys.stderr)
        sys.exit(CANNOT_DO)
    except (KeyError, ValueError, OSError) as exc:
        print(f'{adapter} adapter: session failed: bad stream or '
              f'variables from the harness: {one_line(exc)}', file=sys.stderr)
        sys.exit(SESSION_FAILED)
