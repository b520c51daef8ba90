"""One worker as the host keeps it: the child in its PTY, its output log, the recent screen.

Output is read from the PTY, appended to the log (offsets continue across relaunches of the
worker and restarts of either process) and passed to each subscriber synchronously. The host never
waits for a subscriber: a subscriber that is behind asks to `pause` reading (backpressure), and
catches up with `read`. The screen is rebuilt lazily from the newest SCREEN_TAIL bytes only when
asked for, so a flood costs nothing here beyond the log write.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_console.host.output_log import RETRY, OutputLog
from agent_console.process import ExitStatus, PtyProcess
from agent_console.screen_text import ScreenText
from agent_console.terminal_modes import Modes

SCREEN_TAIL = 64 * 1024
MODES_LAG = 1024 * 1024  # output not yet followed for terminal modes (a checkpoint each time)
REGION_SPAN = 256 * 1024  # how far before a point its scrolling region is looked for


@dataclass(frozen=True)
class Exit:
    exit_code: int
    signal: str | None


class Subscriber:
    """What a hosted worker tells the outside (one per connected client that subscribed)."""

    def output(self, worker: HostedWorker, data: bytes) -> None: ...
    def exited(self, worker: HostedWorker, status: Exit) -> None: ...
    def input_dropped(self, worker: HostedWorker) -> None: ...
    def log_state(self, worker: HostedWorker) -> None: ...


class HostedWorker:
    def __init__(self, worker_id: str, log_path: Path, log_cap: int) -> None:
        self.id = worker_id
        self.log = OutputLog(log_path, log_cap)
        self.process: PtyProcess | None = None
        self.exit: Exit | None = None
        self.argv: list[str] = []
        self.cwd = ""
        self.size = (80, 24)
        self.last_output_at: float | None = None  # wall clock (it survives the serve process)
        self.subscribers: set[Subscriber] = set()
        self._pausers: set[Pauser] = set()  # each reason anyone has to hold the PTY
        self._screen: ScreenText | None = None
        self._screen_offset = 0
        self._retry: asyncio.TimerHandle | None = None  # saving again after a full disk
        self._modes: list[tuple[int, Modes]] = [(self.log.start_offset, Modes())]  # checkpoints
        self._modes_now = Modes()  # the modes at the end of the log, followed as output comes

    # --- lifecycle --------------------------------------------------------------------------

    def spawn(
        self, argv: Sequence[str], cwd: str, env: Mapping[str, str], cols: int, rows: int
    ) -> PtyProcess:
        """Starts the child (SpawnFailed propagates); a previous one must have exited."""
        assert self.process is None or self.process.exited.done()
        process = PtyProcess.spawn(argv, cwd, env, cols, rows, mark=self.id)
        self.process, self.exit = process, None
        self.argv, self.cwd, self.size = list(argv), cwd, (cols, rows)
        self._pausers.clear()
        process.start_reading(self._on_output)
        process.exited.add_done_callback(lambda done: self._exited(process, done.result()))
        return process

    def _exited(self, process: PtyProcess, status: ExitStatus) -> None:
        if process is not self.process:
            return
        self.exit = Exit(status.exit_code, status.signal)
        for subscriber in list(self.subscribers):
            subscriber.exited(self, self.exit)

    @property
    def running(self) -> bool:
        return self.process is not None and not self.process.exited.done()

    async def stop(self) -> None:
        """Ends the child's whole process group (and what it left), awaiting its exit."""
        process = self.process
        if process is None:
            return
        if process.exited.done():
            process.sweep()
        else:
            await process.stop()

    def close(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
        self.log.close()

    # --- output -----------------------------------------------------------------------------

    def _on_output(self, data: bytes) -> None:
        self.last_output_at = time.time()
        changed = self.log.append(data)
        self._modes_now.feed(data)  # memchr-fast: only ESC [ ? switches are looked at
        if self.log.end_offset - self._modes[-1][0] >= MODES_LAG:
            self._checkpoint_modes()
        for subscriber in list(self.subscribers):
            subscriber.output(self, data)
        if changed:
            self._log_state_changed()

    def _log_state_changed(self) -> None:
        for subscriber in list(self.subscribers):
            subscriber.log_state(self)
        if self.log.problem is not None and self._retry is None:
            self._retry = asyncio.get_running_loop().call_later(RETRY, self._retry_saving)

    def _retry_saving(self) -> None:
        self._retry = None
        if self.log.retry():
            self._log_state_changed()
        elif self.log.problem is not None:
            self._retry = asyncio.get_running_loop().call_later(RETRY, self._retry_saving)

    def note(self, data: bytes) -> None:
        """Server text written into the stream (marker lines): logged and sent like output."""
        self._on_output(data)

    def read(self, start: int, size: int) -> tuple[int, bytes]:
        """(first offset, bytes) from `start` (or the first retained byte), at most `size`."""
        first = max(start, self.log.start_offset)
        return first, self.log.read(first, first + size)

    # --- terminal modes (for clients that render from the middle of the stream) ------------

    def _checkpoint_modes(self) -> None:
        """Keeps the modes at the end of the log as a checkpoint (before that output can leave
        retention); checkpoints older than the retained log go, but one before it."""
        self._modes.append((self.log.end_offset, self._modes_now.copy()))
        start = self.log.start_offset
        while len(self._modes) > 1 and self._modes[1][0] <= start:
            del self._modes[0]

    def modes_at(self, offset: int) -> str:
        """The sequence that restores the terminal modes in effect at `offset`."""
        at, modes = max((c for c in self._modes if c[0] <= offset), key=lambda c: c[0],
                        default=(self.log.start_offset, Modes()))  # fmt: skip
        modes = modes.copy()
        _, data = self.read(at, offset - at) if offset > at else (at, b"")
        modes.feed(data)
        _, near = self.read(max(at, offset - REGION_SPAN), min(REGION_SPAN, offset - at))
        modes.feed_region(near)
        return modes.restore()

    # --- input and control ------------------------------------------------------------------

    def write(self, data: bytes) -> bool:
        if not self.running:
            return True
        assert self.process is not None
        return self.process.write(data)

    def resize(self, cols: int, rows: int) -> None:
        self.size = (cols, rows)
        if self.process is not None:
            self.process.resize(cols, rows)

    def signal(self, sig: int) -> None:
        if self.running:
            assert self.process is not None
            self.process.signal_group(sig)

    def pause(self, by: Pauser) -> None:
        self._pausers.add(by)
        if self.process is not None:
            self.process.pause_reading()

    def resume(self, by: Pauser) -> None:
        self._pausers.discard(by)
        if not self._pausers and self.process is not None:
            self.process.resume_reading()

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)
        for reason in ASKED, FULL:  # a departed client never holds the worker back
            self.resume((subscriber, reason))

    # --- what serve asks about --------------------------------------------------------------

    def screen(self) -> list[str]:
        """The screen's lines, from the newest SCREEN_TAIL bytes of output (bounded cost)."""
        end = self.log.end_offset
        if self._screen is None or end - self._screen_offset > SCREEN_TAIL:
            self._screen, self._screen_offset = ScreenText(), max(0, end - SCREEN_TAIL)
        if end > self._screen_offset:
            start, data = self.read(self._screen_offset, end - self._screen_offset)
            self._screen.feed(data.decode("utf-8", "replace"))
            self._screen_offset = start + len(data)
        return self._screen.lines()

    def describe(self) -> dict[str, Any]:
        """What `list` reports: enough for a restarted serve to take the worker over."""
        process = self.process
        return {
            "worker": self.id,
            "pid": process.pid if process else None,
            "started": process.started if process else None,
            "running": self.running,
            "paused": process.paused if process else False,  # its PTY is not being read
            "exitCode": self.exit.exit_code if self.exit else None,
            "signal": self.exit.signal if self.exit else None,
            "startOffset": self.log.start_offset,
            "endOffset": self.log.end_offset,
            "cols": self.size[0],
            "rows": self.size[1],
            "argv": self.argv,
            "cwd": self.cwd,
            "lastOutputAt": self.last_output_at,
            "logProblem": self.log.problem,
        }


# Why a subscriber holds a worker's PTY: it asked (its clients are behind), or its socket is full.
# Each is released on its own: a drained socket must not cancel an asked pause.
ASKED, FULL = "asked", "full"
Pauser = tuple[Subscriber, str]
OnEvent = Callable[[HostedWorker], None]
Loop = asyncio.AbstractEventLoop
