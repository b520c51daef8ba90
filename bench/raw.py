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
    return _read_loop(argv, count)[0]


def cpu_per_byte(argv: Sequence[str]) -> float:
    """CPU seconds (user + system) this bare read loop spends per byte of `argv`'s output."""
    return _read_loop(argv, 1)[1]


def _read_loop(argv: Sequence[str], count: int) -> tuple[float, float]:
    """(bytes per second, CPU seconds per byte) of a plain read loop over `count` PTYs."""
    children = [spawn(argv) for _ in range(count)]
    cpu = os.times()
    start = time.perf_counter()
    total = read_all([fd for _, fd in children])
    elapsed = time.perf_counter() - start
    after = os.times()
    for pid, _ in children:
        os.waitpid(pid, 0)
    used = (after.user - cpu.user) + (after.system - cpu.system)
    return total / elapsed, used / max(total, 1)


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
