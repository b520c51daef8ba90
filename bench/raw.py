"""The raw PTY limits, measured with no server: a plain read loop and a plain echo round trip."""

from __future__ import annotations

import os
import pty
import select
import time
from collections.abc import Sequence


def spawn(argv: Sequence[str]) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], list(argv))
    return pid, fd


def read_all(fds: list[int]) -> int:
    """Reads every fd to EOF (64 KiB reads, like the server); returns the byte count."""
    total = 0
    open_fds = set(fds)
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [])
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                open_fds.discard(fd)
                os.close(fd)
            total += len(chunk)
    return total


def throughput(argv: Sequence[str], count: int = 1) -> float:
    """Bytes per second through `count` PTYs at once, each running `argv`."""
    children = [spawn(argv) for _ in range(count)]
    start = time.perf_counter()
    total = read_all([fd for _, fd in children])
    elapsed = time.perf_counter() - start
    for pid, _ in children:
        os.waitpid(pid, 0)
    return total / elapsed


def echo_latencies(samples: int) -> list[float]:
    """Seconds from writing one key to reading its echo, through `cat` on a PTY."""
    pid, fd = spawn(["cat"])
    result = []
    try:
        for i in range(samples):
            key = bytes([ord("a") + i % 26])
            start = time.perf_counter()
            os.write(fd, key)
            got = b""
            while key not in got:
                select.select([fd], [], [])
                got += os.read(fd, 1024)
            result.append(time.perf_counter() - start)
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    return result
