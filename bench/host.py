"""The worker host alone: output read straight off its Unix socket, no web server in between —
the cost of the extra process hop, measured beside the raw PTY rate in the same run."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from pathlib import Path

from agent_console.host.client import LocalHost
from agent_console.process import child_env
from agent_console.worker_host import Hosted, SpawnSpec


class _Counter:
    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.received = 0
        self.done = asyncio.get_running_loop().create_future()

    def on_started(self, hosted: Hosted) -> None:
        pass

    def on_output(self, end_offset: int, data: bytes) -> None:
        self.received += len(data)
        if self.received >= self.expected and not self.done.done():
            self.done.set_result(None)

    def on_exit(self, exit_code: int, signal: str | None) -> None:
        if not self.done.done():
            self.done.set_result(None)

    def on_input_dropped(self) -> None:
        pass

    def on_log_state(self, problem: str | None) -> None:
        pass


async def throughput(data_dir: Path, argv: Sequence[str], expected: int) -> float:
    """Bytes per second a host delivers to a subscriber while one worker runs `argv`."""
    host = await LocalHost.connect(data_dir, 10 * 1024 * 1024)
    try:
        counter = _Counter(expected)
        start = time.perf_counter()
        await host.spawn(
            SpawnSpec("bench-hop", argv, str(data_dir), child_env(os.environ)), counter
        )
        await counter.done
        elapsed = time.perf_counter() - start
        await host.forget("bench-hop", delete_log=True)
        return counter.received / elapsed
    finally:
        await host.shutdown()
