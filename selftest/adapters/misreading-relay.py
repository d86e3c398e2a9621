#!/usr/bin/python3
"""The suite's negative controls of the shaped streams: a client that reads its stream badly.

Usage: misreading-relay.py MODE ADAPTER [ARGS...]. It stands between the transport's descriptors
(SSHTC_FD_IN/OUT) and the real ADAPTER, which it runs over a socketpair of its own, and misreads
the server's side as MODE says:
  one-read-banner     the server's identification line must come in its first read, whole, or it
                      gives up (exit 255): a reader that takes one read for one line, which a
                      1-byte read breaks (the variant frag1).
  drops-after-banner  keeps its first read up to the end of the identification line and drops
                      the rest of that read, as paramiko/paramiko#673's ProxyCommand buffering did:
                      harmless while the server's KEXINIT comes apart, fatal when it comes in the
                      same read (the variant coalesce).
Everything else (--version, the probes, other scenarios) goes straight to ADAPTER. Only os.read and
os.write touch the transport: no socket call the audit would see.
"""
import os
import select
import socket
import subprocess
import sys


def main():
    mode, adapter = sys.argv[1], sys.argv[2:]
    if "SSHTC_FD_IN" not in os.environ or os.environ.get("SSHTC_SCENARIO") != "exec":
        os.execv(adapter[0], adapter)
    far_in, far_out = int(os.environ["SSHTC_FD_IN"]), int(os.environ["SSHTC_FD_OUT"])
    near, inner = socket.socketpair()
    env = dict(os.environ, SSHTC_FD_IN=str(inner.fileno()), SSHTC_FD_OUT=str(inner.fileno()),
               SSHTC_TRANSPORT="socketpair")
    child = subprocess.Popen(adapter, env=env, pass_fds=[inner.fileno()], close_fds=True)
    inner.close()
    first = True
    open_ends = {far_in, near.fileno()}
    while open_ends:
        ready, _, _ = select.select(list(open_ends), [], [], 0.5)
        if child.poll() is not None:
            break
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the adapter closed its end with bytes unread: its end of the story
                data = b""
            if fd == far_in:
                if first and data:
                    first = False
                    if mode == "one-read-banner" and not data.endswith(b"\n"):
                        sys.stderr.write("misreading-relay: the server's identification line did not come in "
                                         "one read (%d bytes: %r)\n" % (len(data), data[:40]))
                        child.kill()
                        sys.exit(255)
                    if mode == "drops-after-banner" and b"\n" in data:
                        data = data[:data.index(b"\n") + 1]
                target = near.fileno()
            else:
                target = far_out
            if not data:
                open_ends.discard(fd)
                if target == near.fileno():
                    near.shutdown(socket.SHUT_WR)
                continue
            os.write(target, data)
    sys.exit(child.wait())


if __name__ == "__main__":
    main()
