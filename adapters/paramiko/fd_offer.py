"""The Python end of adapters/proxy/fd_offer.hpp: offers the transport's
descriptors to sshtc-fd-relay, for a proxy command that cannot inherit them.

paramiko 2.12's ProxyCommand starts its command with subprocess.Popen's
default close_fds=True (proxy.py), so the harness's descriptors never reach
it. The offer listens on an AF_UNIX socket in a private 0700 directory (only
this user can reach it), accepts one connection and sends the descriptors
with SCM_RIGHTS in one message of one data byte, the convention
adapters/proxy/fd_passing.hpp shares with OpenSSH's monitor_fdpass.c.
"""

import os
import shlex
import shutil
import socket
import tempfile
import threading


class FdOffer:
    """Use as a context manager: the directory goes when the session ends."""

    def __init__(self, fd_in: int, fd_out: int) -> None:
        self._fds = [fd_in] if fd_in == fd_out else [fd_in, fd_out]
        self._dir = tempfile.mkdtemp(prefix='sshtc-offer-')
        self._path = os.path.join(self._dir, 'fds.sock')
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self._path)
        self._listener.listen(1)
        # A relay that never comes leaves the thread waiting; it ends with
        # the adapter.
        threading.Thread(target=self._serve, daemon=True).start()

    def relay_command(self, relay: str) -> str:
        """sshtc-fd-relay in --pump mode: paramiko talks to a proxy through
        pipes only."""
        return shlex.join([relay, self._path, '--pump'])

    def _serve(self) -> None:
        connection, _ = self._listener.accept()
        # Gone at once, so that an adapter killed at the harness's deadline
        # leaves nothing behind.
        self._remove_directory()
        with connection:
            socket.send_fds(connection, [b'\0'], self._fds)
        # Only the relay holds the transport now, so a pipe's reader sees
        # the EOF the relay passes on by closing its copy.
        for fd in self._fds:
            os.close(fd)

    def __enter__(self) -> 'FdOffer':
        return self

    def __exit__(self, *exc_info) -> None:
        self._listener.close()
        self._remove_directory()

    def _remove_directory(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)
