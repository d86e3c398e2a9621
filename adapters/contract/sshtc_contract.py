"""What the suite's Python adapters share (adapter contract v1, README).

The reserved exit codes come from exit_codes.txt beside this file, their one
definition; the C++ side is generated from the same file. An adapter imports
this module before its SSH library, so that a library that is not installed
is a SKIP with the install hint (`import_or_cannot_do`), never a crash.
"""

import os
import sys
from typing import Callable, TypeVar

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
    return f'{type(exc).__name__}: {exc}'.replace('\n', ' ')


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


def opened(adapter: str, opening: Callable[[], T]) -> T:
    """What `opening` returns (it checks the scenario and opens the stream the
    harness hands over), or the adapter exits as the contract says: CANNOT_DO
    for what it cannot do, SESSION_FAILED for a missing variable or a
    descriptor that is not what the transport says (e.g. ENOTSOCK)."""
    try:
        return opening()
    except Unsupported as exc:
        print(f'{adapter} adapter: unsupported: {exc}', file=sys.stderr)
        sys.exit(CANNOT_DO)
    except (KeyError, ValueError, OSError) as exc:
        print(f'{adapter} adapter: session failed: bad stream from the '
              f'harness: {one_line(exc)}', file=sys.stderr)
        sys.exit(SESSION_FAILED)
