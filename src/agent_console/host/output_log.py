"""A worker's output log that never costs live output: a failing disk only stops the saving.

Offsets keep counting every byte the worker printed. Bytes the disk refused (full, quota, I/O
error) wait in memory — at most MAX_UNSAVED, oldest dropped first — and are written when a later
append finds room again (tried at most every RETRY seconds). When some of them had to be dropped,
the log restarts at the first byte still held, since a log is one contiguous range. `problem`
says why history is not being saved; `append` returns True when that changed.
"""

from __future__ import annotations

import errno
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from agent_console.scrollback import Scrollback

MAX_UNSAVED = 4 * 1024 * 1024
RETRY = 1.0


class OutputLog:
    def __init__(self, path: Path, cap: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self._cap = cap
        self._clock = clock
        self._log: Scrollback | None = None
        self.problem: str | None = None
        self._unsaved: deque[bytes] = deque()  # chunks, the first starting at _unsaved_start
        self._unsaved_size = 0
        self._retry_at = 0.0
        try:
            self._log = Scrollback(path, cap)
        except OSError as exc:
            self._failed(exc)
        self.end_offset = self._log.end_offset if self._log else 0
        self._unsaved_start = self.end_offset

    # -- readers ---------------------------------------------------------------------------

    @property
    def start_offset(self) -> int:
        first = self._unsaved_start
        if self._log is not None and self._log.end_offset == self._unsaved_start:
            first = self._log.start_offset  # the saved part joins the unsaved one
        return max(first, self.end_offset - self._cap)

    def read(self, start: int, end: int) -> bytes:
        """Bytes [start, end), clamped to what is retained (saved or still in memory)."""
        start, end = max(start, self.start_offset), min(end, self.end_offset)
        if end <= start:
            return b""
        parts = []
        if self._log is not None and start < self._unsaved_start:
            parts.append(self._log.read(start, min(end, self._unsaved_start)))
        if end > self._unsaved_start:
            low = max(start, self._unsaved_start) - self._unsaved_start
            parts.append(b"".join(self._unsaved)[low : end - self._unsaved_start])
        return b"".join(parts)

    # -- writer ----------------------------------------------------------------------------

    def append(self, data: bytes) -> bool:
        """Records `data`; True when `problem` changed (saving stopped or resumed)."""
        self.end_offset += len(data)
        if self.problem is None and self._log is not None:
            try:
                self._log.append(data)  # the hot path: straight to the file
                self._unsaved_start = self.end_offset
                return False
            except OSError as exc:
                self._hold(data[len(data) - (self.end_offset - self._log.end_offset) :])
                return self._failed(exc)
        self._hold(data)
        return self._save() if self._clock() >= self._retry_at else False

    def retry(self) -> bool:
        """Tries to save what waits in memory now (the holder calls this every RETRY seconds
        while there is a problem, so a quiet worker's history is saved too); True when
        `problem` changed."""
        return self._save() if self.problem is not None else False

    def close(self) -> None:
        if self._log is not None:
            self._log.close()

    def _hold(self, data: bytes) -> None:
        """Keeps `data`, the newest bytes of the stream, in memory (the newest MAX_UNSAVED)."""
        self._unsaved.append(data)
        self._unsaved_size += len(data)
        while self._unsaved_size > MAX_UNSAVED:
            first = self._unsaved.popleft()
            excess = self._unsaved_size - MAX_UNSAVED
            if excess < len(first):
                self._unsaved.appendleft(first[excess:])
            self._unsaved_size -= min(excess, len(first))
        self._unsaved_start = self.end_offset - self._unsaved_size

    def _drop_saved(self, count: int) -> None:
        """The first `count` unsaved bytes reached the file."""
        held = b"".join(self._unsaved)[count:]
        self._unsaved.clear()
        if held:
            self._unsaved.append(held)
        self._unsaved_size = len(held)
        self._unsaved_start += count

    def _save(self) -> bool:
        """Writes what waits in memory; True when saving resumed or its problem changed."""
        try:
            if self._log is None:
                self._log = Scrollback(self.path, self._cap)
            if self._log.end_offset != self._unsaved_start:
                self._log.restart_at(self._unsaved_start)
            before = self._log.end_offset
            try:
                self._log.append(b"".join(self._unsaved))
            finally:
                self._drop_saved(self._log.end_offset - before)
        except OSError as exc:
            return self._failed(exc)
        changed, self.problem = self.problem is not None, None
        return changed

    def _failed(self, exc: OSError) -> bool:
        self._retry_at = self._clock() + RETRY
        problem = describe(exc)
        changed, self.problem = self.problem != problem, problem
        return changed


def describe(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "history not being saved: disk full"
    return f"history not being saved: {exc.strerror or exc}"
