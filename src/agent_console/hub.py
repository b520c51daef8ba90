"""Fan-out to clients: an in-process event bus, and each client's bounded outbox.

Publishing never awaits: a producer (the PTY read loop, the session registry) puts frames into
every subscriber's outbox and moves on. Each client has one sender task draining its outbox; a
client that falls more than `limit` bytes behind is dropped (it reconnects with its offset and
loses nothing), so one slow reader can never stall a worker, other clients, or grow memory.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from agent_console import protocol

E = TypeVar("E")


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


class Outbox:
    """A client's bounded queue of frames. put() never blocks; overflow marks it for closing."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.overflowed = False
        self.closed = False
        self.close_code = protocol.Close.NORMAL
        self._frames: deque[Frame] = deque()
        self._size = 0
        self._ready = asyncio.Event()

    def put(self, frame: Frame, force: bool = False) -> None:
        if self.closed or self.overflowed:
            return
        if not force and self._size + len(frame.text) > self.limit:
            self.overflowed = True
            self._frames.clear()
            self._size = 0
        else:
            self._frames.append(frame)
            self._size += len(frame.text)
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

    def close(self, code: int = protocol.Close.NORMAL) -> None:
        self.closed = True
        self.close_code = code
        self._ready.set()

    async def take(self) -> list[str] | None:
        """The next frames to send (consecutive outputs merged), or None when it is closing."""
        await self._ready.wait()
        if self.overflowed or (self.closed and not self._frames):
            return None
        frames = list(self._frames)
        self._frames.clear()
        self._size = 0
        self._ready.clear()
        return merge_outputs(frames)

    @property
    def queued_bytes(self) -> int:
        return self._size


def merge_outputs(frames: list[Frame]) -> list[str]:
    """Consecutive `output` frames become one, so a lagging client catches up in few frames."""
    texts: list[str] = []
    run: list[Frame] = []
    for frame in [*frames, Frame("")]:
        if frame.data is not None:
            run.append(frame)
            continue
        if len(run) == 1:
            texts.append(run[0].text)
        elif run:
            texts.append(protocol.output("".join(f.data or "" for f in run), run[-1].offset))
        run = []
        if frame.text:
            texts.append(frame.text)
    return texts
