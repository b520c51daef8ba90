"""What clients read of a worker's past output, from the host's log, by absolute offsets: the
pieces a new or lagging client is fed, a page before an offset, and a search of the whole log.

Every piece ends on a whole UTF-8 character and starts on one, so offsets a client sees are
always at character boundaries. A client that asked for the recent tail only (`?tail=N`) gets
its first piece from a line start, with the escape sequence that restores the terminal modes in
effect there (`modes`), so a full-screen program shows right without the older output.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent_console import protocol
from agent_console.errors import Error, OutOfRetention
from agent_console.hub import Outbox
from agent_console.output_text import complete, lines
from agent_console.scrollback import whole_prefix
from agent_console.worker_host import Piece, WorkerHost

PIECE = 256 * 1024  # history and catch-up are read from the log in pieces of this size
LINE_SEEK = 4096  # how far a tail's start moves forward to begin at a line
PAGE_MAX = 1024 * 1024
SEARCH_PIECE = 1024 * 1024
SEARCH_LIMIT = 500


async def feed(
    host: WorkerHost, worker_id: str, outbox: Outbox, live_end: Callable[[], int]
) -> list[str]:
    """The next frame for a client that is behind: `history` first (then `output`), from
    `outbox.offset` up to at most `live_end()` (the whole characters the server has seen). The
    live end is asked again after the read: output that arrived meanwhile was not queued to
    this client, so it only catches up once it has read up to the end as it is *now*."""
    start, first, end = outbox.offset, outbox.history_pending, live_end()
    piece = Piece(start, b"", 0)
    if start < end:
        try:
            piece = await host.read(
                worker_id, start, min(PIECE, end - start), first and outbox.tail
            )
        except Error:
            outbox.close(protocol.Close.TRY_AGAIN, "history unavailable; reconnect")
            return []
    data, begin = piece.data, piece.start
    if piece.end < end:
        data = whole_prefix(data)  # cut by the piece size: end on a whole character
    if first and outbox.tail and begin > piece.retained_start:
        cut = data.find(b"\n", 0, LINE_SEEK) + 1  # start the screen at a line
        data, begin = data[cut:], begin + cut
    lost = begin - start if outbox.resumed or not first else 0
    outbox.offset = begin + len(data)
    text = data.decode("utf-8", "replace")
    if first or lost > 0:
        outbox.history_pending = False
        extra: dict[str, Any] = {"retainedStart": piece.retained_start} if outbox.tail else {}
        if piece.modes:
            extra["modes"] = piece.modes
        message = protocol.history(text, begin, outbox.offset, lost_bytes=lost, **extra)
    else:
        message = protocol.output(text, outbox.offset)
    if outbox.offset >= live_end():
        outbox.caught_up()
    return [message]


@dataclass(frozen=True)
class Page:
    start: int
    end: int
    text: str
    retained_start: int
    modes: str

    def dump(self) -> dict[str, Any]:
        return {"startOffset": self.start, "offset": self.end, "data": self.text,
                "retainedStart": self.retained_start, "modes": self.modes}  # fmt: skip


async def page(host: WorkerHost, worker_id: str, end: int, size: int, live_end: int) -> Page:
    """Up to `size` bytes of output before offset `end`, on whole characters, with the modes in
    effect at its start; OutOfRetention when nothing before `end` is kept any more."""
    end = min(end, live_end)
    size = max(1, min(size, PAGE_MAX))
    piece = await host.read(worker_id, max(0, end - size), size, modes=True)
    if end <= piece.retained_start or piece.start >= end:
        raise OutOfRetention(
            f"output before offset {end} is no longer kept (it starts at {piece.retained_start})",
            piece.retained_start,
        )
    data = piece.data[: end - piece.start]
    skip = 0
    while skip < min(3, len(data)) and data[skip] & 0xC0 == 0x80:
        skip += 1  # never begin inside a character
    data = whole_prefix(data[skip:])
    start = piece.start + skip
    return Page(start, start + len(data), data.decode("utf-8", "replace"), piece.retained_start,
                piece.modes or "")  # fmt: skip


@dataclass(frozen=True)
class Match:
    offset: int  # where the matching line starts in the raw stream
    line: str

    def dump(self) -> dict[str, Any]:
        return {"offset": self.offset, "line": self.line}


async def search(
    host: WorkerHost, worker_id: str, query: str, live_end: int, limit: int = SEARCH_LIMIT
) -> tuple[list[Match], bool]:
    """Lines of the whole retained log (as plain text) that contain `query`, ignoring case,
    oldest first: the newest `limit` of them (a terminal's find starts from the newest), and
    True when older ones were left out."""
    needle = query.casefold()
    found: deque[Match] = deque(maxlen=limit)
    more = False
    offset = 0
    while offset < live_end:
        piece = await host.read(worker_id, offset, min(SEARCH_PIECE, live_end - offset))
        whole = piece.data[: complete(piece.data)] if piece.end < live_end else piece.data
        if not whole:
            whole = piece.data  # a line longer than a piece: search it as it is
        for start, text in lines(whole + (b"" if whole.endswith(b"\n") else b"\n"), piece.start):
            if needle in text.casefold():
                more = more or len(found) == limit
                found.append(Match(start, text))
        offset = piece.start + len(whole)
    return list(found), more
