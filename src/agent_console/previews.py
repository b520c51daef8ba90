"""Live previews for the dashboard: each worker's screen as text, read from the worker host's
screen state at most once every INTERVAL seconds per worker and only for workers that printed
since. While nothing prints, no timer runs and no screen is read; the raw output never goes to
app clients.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agent_console.model import iso_time

log = logging.getLogger(__name__)

INTERVAL = 2.0  # seconds between two previews of one worker
MAX_LINES = 40  # the screen's last lines sent
MAX_COLS = 200  # characters kept of a line


@dataclass(frozen=True)
class Preview:
    session_id: str
    worker_id: str
    lines: tuple[str, ...]
    at: str  # when the output it shows was printed (ISO): the worker's last output

    def dump(self) -> dict[str, Any]:
        return {
            "sessionId": self.session_id,
            "workerId": self.worker_id,
            "lines": list(self.lines),
            "at": self.at,
        }


def trim(lines: Sequence[str]) -> tuple[str, ...]:
    """A screen as the wire carries it: no trailing blanks or blank last lines, the last
    MAX_LINES lines, each cut to MAX_COLS characters."""
    kept = [line.rstrip()[:MAX_COLS] for line in lines]
    while kept and not kept[-1]:
        kept.pop()
    return tuple(kept[-MAX_LINES:])


def due(now: float, last_read: float | None, interval: float = INTERVAL) -> float:
    """When a worker that printed at `now` may be read next."""
    return now if last_read is None else max(now, last_read + interval)


ReadScreen = Callable[[str], Awaitable[list[str]]]  # a worker's current screen text (the host's)


@dataclass
class _Watched:
    session_id: str
    preview: Preview | None = None
    printed_at = 0.0  # seconds since the epoch (formatted only for a preview that changed)
    pending: bool = False  # printed since the last read
    last_read: float | None = None
    timer: asyncio.TimerHandle | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class Previews:
    """The current preview of every worker that has printed, kept fresh at a low rate;
    `publish` hears each new one."""

    def __init__(
        self, screen: ReadScreen, publish: Callable[[Preview], None], interval: float = INTERVAL
    ) -> None:
        self._screen = screen
        self._publish = publish
        self._interval = interval
        self._watched: dict[str, _Watched] = {}

    @property
    def _loop(self) -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    def current(self) -> list[Preview]:
        return [w.preview for w in self._watched.values() if w.preview is not None]

    def printed(self, session_id: str, worker_id: str, at: float | None = None) -> None:
        """The worker printed (at `at`, default now; a worker adopted after a restart printed
        before it): its screen is read when its interval allows — one timer per worker at most."""
        watched = self._watched.setdefault(worker_id, _Watched(session_id))
        watched.pending, watched.printed_at = True, time.time() if at is None else at
        if watched.timer is None and watched.task is None:
            when = due(self._loop.time(), watched.last_read, self._interval)
            watched.timer = self._loop.call_at(when, self._read, worker_id)

    def forget(self, worker_id: str) -> None:
        """The worker is gone: its timer and preview with it."""
        watched = self._watched.pop(worker_id, None)
        if watched is not None:
            _stop(watched)

    def close(self) -> None:
        for watched in self._watched.values():
            _stop(watched)
        self._watched.clear()

    def _read(self, worker_id: str) -> None:
        watched = self._watched.get(worker_id)
        if watched is not None:
            watched.timer = None
            watched.task = self._loop.create_task(self._take(worker_id, watched))

    async def _take(self, worker_id: str, watched: _Watched) -> None:
        watched.pending, printed_at = False, watched.printed_at
        try:
            lines = trim(await self._screen(worker_id))
        except Exception as exc:  # the host lost it or went away: keep the last preview
            log.debug("no screen for %s: %s", worker_id, exc)
            lines = watched.preview.lines if watched.preview else ()
        watched.task, watched.last_read = None, self._loop.time()
        if self._watched.get(worker_id) is not watched:
            return
        if watched.preview is None or lines != watched.preview.lines:
            watched.preview = Preview(watched.session_id, worker_id, lines, iso_time(printed_at))
            self._publish(watched.preview)
        if watched.pending:  # it printed again while its screen was being read
            watched.timer = self._loop.call_at(
                due(self._loop.time(), watched.last_read, self._interval), self._read, worker_id
            )


def _stop(watched: _Watched) -> None:
    if watched.timer is not None:
        watched.timer.cancel()
    if watched.task is not None:
        watched.task.cancel()
