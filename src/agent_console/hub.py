"""Fan-out to clients: an in-process event bus, and each client's bounded outbox.

Publishing never awaits: a producer (the output relay, the session registry) puts frames into
every subscriber's outbox and moves on. Each client has one sender task draining its outbox.

An outbox with a `source` (worker sockets) never loses output: when its live frames would pass
`limit`, it stops taking them and is *behind* — its sender then reads the output from the log,
piece by piece, from the offset it had reached (`source.fetch`), until it has caught up and takes
live frames again. Other frames (activity, exit) wait while it is behind, so `exit` still comes
after the last output. A worker socket's history is sent the same way: a new client starts
behind, at the offset it asked for. An outbox without a source (the app socket) that passes its
limit is dropped instead (it reconnects and gets a fresh sync).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from agent_console import protocol

E = TypeVar("E")
MERGE_MAX = 256 * 1024


class Hub(Generic[E]):
    """Synchronous publish/subscribe of domain events."""

    def __init__(self) -> None:
        self._subscribers: list[Callable[[E], None]] = []

    def subscribe(self, callback: Callable[[E], None]) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def publish(self, event: E) -> None:
        for callback in list(self._subscribers):
            callback(event)


@dataclass(frozen=True, slots=True)
class Frame:
    """One outgoing text frame; `output` frames keep their parts so a backlog can be merged."""

    text: str
    data: str | None = None
    offset: int = 0


class Source(Protocol):
    """Where a behind outbox reads the output it skipped (a worker's log)."""

    async def fetch(self, outbox: Outbox) -> list[str]:
        """Frames of the output after `outbox.offset`; the source moves `offset` on, and
        calls `outbox.caught_up()` once it has reached the live end."""
        ...

    def progressed(self, outbox: Outbox) -> None:
        """The outbox handed frames to its sender (backpressure is re-judged)."""
        ...


class Outbox:
    """A client's bounded queue of frames. put() never blocks."""

    def __init__(self, limit: int, source: Source | None = None) -> None:
        self.limit = limit
        self.overflowed = False
        self.closed = False
        self.close_code = protocol.Close.NORMAL
        self.close_reason = ""
        self.offset = 0  # output offset reached: queued, or to be fetched from here
        self.sent_offset = 0  # output offset handed to the sender
        self.behind = False
        self.history_pending = False  # the next fetched piece is sent as `history`
        self.resumed = False  # the client asked for an offset: say so if it was lost
        self.tail = False  # the client asked for the recent output only (`?tail=`)
        self.progress_at = time.monotonic()
        self._source = source
        self._frames: deque[Frame] = deque()
        self._held: list[Frame] = []  # non-output frames while behind
        self._size = 0
        self._ready = asyncio.Event()
        self._flowing = asyncio.Event()  # cleared while the client asked to pause
        self._flowing.set()

    def start_behind(self, offset: int, resumed: bool = False, tail: bool = False) -> None:
        """A new client: history from `offset` is fetched before anything else is sent;
        `resumed`: the client asked for that offset (bytes no longer retained are reported);
        `tail`: it asked for the recent output only."""
        self.offset = self.sent_offset = offset
        self.behind = self.history_pending = True
        self.resumed, self.tail = resumed, tail
        self._ready.set()

    def put(self, frame: Frame, force: bool = False) -> None:
        if self.closed or self.overflowed:
            return
        if self.behind:
            if frame.data is None:
                self._held.append(frame)
            return
        if not force and self._size + len(frame.text) > self.limit:
            if frame.data is not None and self._source is not None:
                self.behind = True  # the rest comes from the log, from self.offset
                self._ready.set()
                return
            self.overflowed = True
            self._frames.clear()
            self._size = 0
        else:
            self._frames.append(frame)
            self._size += len(frame.text)
            if frame.data is not None:
                self.offset = frame.offset
        self._ready.set()

    def put_text(self, text: str) -> None:
        self.put(Frame(text))

    def snapshot(self, frame: Frame) -> None:
        """Replaces everything queued by `frame`, a full state that makes it moot, and does not
        count it against the limit (a state is always delivered; only changes can overflow)."""
        if self.closed or self.overflowed:
            return
        self._frames.clear()
        self._frames.append(frame)
        self._size = 0
        self._ready.set()

    def caught_up(self) -> None:
        """The source reached the live end: live frames flow again, held ones go first."""
        self.behind = False
        for frame in self._held:
            self._frames.append(frame)
            self._size += len(frame.text)
        self._held.clear()

    def close(
        self, code: int = protocol.Close.NORMAL, reason: str = "", drop: bool = False
    ) -> None:
        """Closes after the queued frames are sent — or at once with `drop` (a stalled client
        that reconnects with its offset gets them from the log)."""
        self.closed = True
        self.close_code, self.close_reason = code, reason
        if drop:
            self._frames.clear()
            self._held.clear()
            self._size = 0
        self._ready.set()
        self._flowing.set()  # a paused client is closed too

    @property
    def paused(self) -> bool:
        return not self._flowing.is_set()

    def pause(self, paused: bool) -> None:
        """The client asks to stop (or resume) receiving: its terminal cannot keep up, or is
        not visible. Output meanwhile is fed to it from the log once it resumes."""
        (self._flowing.clear if paused else self._flowing.set)()

    async def take(self) -> list[str] | None:
        """The next frames to send (consecutive outputs merged), or None when it is closing."""
        while True:
            await self._ready.wait()
            if not self._flowing.is_set() and not self.closed:
                await self._flowing.wait()
                continue
            if self.overflowed or (self.closed and not self._frames):
                return None
            if self._frames:
                frames = list(self._frames)
                self._frames.clear()
                self._size = 0
                if not self.behind:
                    self._ready.clear()
                self.sent_offset = self.offset
                return self._progress(merge_outputs(frames))
            if self.behind and self._source is not None:
                texts = await self._source.fetch(self)
                if texts:
                    self.sent_offset = self.offset
                    return self._progress(texts)
            else:
                self._ready.clear()

    def _progress(self, texts: list[str]) -> list[str]:
        self.progress_at = time.monotonic()
        if self._source is not None:
            self._source.progressed(self)
        return texts

    @property
    def queued_bytes(self) -> int:
        return self._size


def merge_outputs(frames: list[Frame]) -> list[str]:
    """Consecutive `output` frames become one, so a lagging client catches up in few frames —
    each of at most MERGE_MAX characters of data, so no client meets a message it cannot take
    (the history pieces are as large)."""
    texts: list[str] = []
    run: list[Frame] = []
    size = 0

    def flush() -> None:
        nonlocal run, size
        if len(run) == 1:
            texts.append(run[0].text)
        elif run:
            texts.append(protocol.output("".join(f.data or "" for f in run), run[-1].offset))
        run, size = [], 0

    for frame in frames:
        if frame.data is None:
            flush()
            texts.append(frame.text)
            continue
        if run and size + len(frame.data) > MERGE_MAX:
            flush()
        run.append(frame)
        size += len(frame.data)
    flush()
    return texts
