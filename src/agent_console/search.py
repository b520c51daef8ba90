"""Search across everything: a query's words → the index's candidate chunks, newest first →
each chunk read back from its log → the lines that really match, with a little context.

What matches: a line that contains the query, ignoring case, starting at the beginning of a word
("build fail" finds "Build failed", not "rebuild failed"). For the index the query is its words
as one phrase, the last one a prefix; the exact match is then checked on each line as
`output_text.lines` shows it. A request reads chunks
back for at most BUDGET seconds, so its cost is bounded; `next` goes on from where it stopped.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from agent_console.errors import Error, InvalidRequest
from agent_console.model import LogOwner
from agent_console.output_text import lines
from agent_console.search_index import Chunk
from agent_console.worker_host import WorkerHost

WORD = re.compile(r"[^\W_]+")
BATCH = 32  # candidate chunks asked of the index at once
AHEAD = 8  # chunks read back from the host at once
BUDGET = 0.25  # seconds of reading chunks back per request, at most (then `next`)
CONTEXT = 1  # lines shown before and after a match
Candidates = Callable[[str, int | None, int], Awaitable[list[Chunk]]]


@dataclass(frozen=True)
class Query:
    text: str
    match: str  # the FTS5 expression for the index
    pattern: re.Pattern[str]  # the exact test on a line
    folded: str  # the quick test first (the regex alone scans a line ~20x slower)

    @classmethod
    def parse(cls, text: str) -> Query:
        words = WORD.findall(text)
        if not words:
            raise InvalidRequest("q: search for at least one letter or digit")
        prefix = "*" if WORD.fullmatch(text[-1]) else ""  # the last word may go on in the line
        start = r"(?<![^\W_])" if WORD.match(text) else ""
        phrase = f'"{" ".join(words)}"{prefix}'
        pattern = re.compile(start + re.escape(text), re.IGNORECASE)
        return cls(text, phrase, pattern, text.casefold())


@dataclass(frozen=True)
class Cursor:
    """Where a page stopped: within chunk `chunk`, the lines before `offset` are still to come."""

    chunk: int
    offset: int

    def dump(self) -> str:
        return f"{self.chunk}.{self.offset}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        if not text:
            return None
        chunk, _, offset = text.partition(".")
        if not (chunk.isdigit() and offset.isdigit()):
            raise InvalidRequest("cursor: give back the `next` of the previous page")
        return cls(int(chunk), int(offset))


@dataclass(frozen=True)
class Hit:
    owner: LogOwner
    time: float
    offset: int
    line: str
    before: Sequence[tuple[int, str]]  # (offset, text) of the lines around it, in order
    after: Sequence[tuple[int, str]]

    def dump(self, live_sessions: set[str]) -> dict[str, Any]:
        o = self.owner
        return {
            "session": {"id": o.session_id, "title": o.session_title, "branch": o.branch,
                        "locationPath": o.location_path, "removed": o.session_id not in live_sessions},
            "worker": {"id": o.worker_id, "name": o.worker_name, "type": o.worker_type,
                       "removed": o.removed_at is not None},
            "time": datetime.fromtimestamp(self.time, UTC).isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "offset": self.offset, "line": self.line,
            "before": [text for _, text in self.before],
            "beforeOffsets": [offset for offset, _ in self.before],
            "after": [text for _, text in self.after],
            "afterOffsets": [offset for offset, _ in self.after],
        }  # fmt: skip


@dataclass
class Page:
    hits: list[Hit]
    next: Cursor | None
    gone: list[tuple[str, int]]  # (worker, retained start) of chunks whose bytes left the log


async def search(
    query: Query,
    candidates: Candidates,
    host: WorkerHost,
    owners: Mapping[str, LogOwner],
    cursor: Cursor | None,
    limit: int,
) -> Page:
    """Up to `limit` matching lines, newest first, from `cursor` on, reading candidate chunks
    for at most BUDGET seconds (then `next` says where to go on)."""
    page = Page([], None, [])
    below = cursor.chunk + 1 if cursor else None
    began = time.monotonic()
    while True:
        chunks = await candidates(query.match, below, BATCH)
        for at in range(0, len(chunks), AHEAD):
            window = chunks[at : at + AHEAD]  # read together: one round trip's wait, not AHEAD
            datas = await asyncio.gather(*(_read(host, c, page, owners) for c in window))
            for chunk, (start, data) in zip(window, datas, strict=True):
                before = cursor.offset if cursor and chunk.id == cursor.chunk else chunk.end
                owner = owners.get(chunk.worker_id)
                for hit in _matches(query, owner, chunk, start, data, before):
                    if len(page.hits) == limit:
                        page.next = Cursor(chunk.id, page.hits[-1].offset)
                        return page
                    page.hits.append(hit)
        if len(chunks) < BATCH:
            return page
        below = chunks[-1].id
        if time.monotonic() - began > BUDGET:
            page.next = Cursor(below, chunks[-1].start)  # more chunks may match
            return page


async def _read(
    host: WorkerHost, chunk: Chunk, page: Page, owners: Mapping[str, LogOwner]
) -> tuple[int, bytes]:
    """(offset, bytes) of the chunk's lines still in the log (from the first whole line when its
    start is gone); none when nobody owns it, or nothing of it is left."""
    if chunk.worker_id not in owners:
        return chunk.start, b""
    try:
        piece = await host.read(chunk.worker_id, chunk.start, chunk.end - chunk.start)
    except Error:
        return chunk.start, b""
    if piece.start == chunk.start and piece.end == chunk.end:
        return piece.start, piece.data
    page.gone.append((chunk.worker_id, piece.retained_start))
    if piece.start >= chunk.end or piece.end < chunk.end:
        return chunk.start, b""
    skip = piece.data.find(b"\n") + 1  # the retained part of a line is not that line
    return piece.start + skip, piece.data[skip:]


def _matches(
    query: Query, owner: LogOwner | None, chunk: Chunk, start: int, data: bytes, before: int
) -> list[Hit]:
    """The matching lines of `data` (the chunk's, from offset `start`) that start before
    `before`, newest (last) first."""
    if owner is None:
        return []
    shown = list(lines(data, start))
    hits = []
    for index in range(len(shown) - 1, -1, -1):
        offset, text = shown[index]
        if offset < before and query.folded in text.casefold() and query.pattern.search(text):
            context = shown[max(0, index - CONTEXT) : index]
            after = shown[index + 1 : index + 1 + CONTEXT]
            hits.append(Hit(owner, chunk.time, offset, text, context, after))
    return hits


def matching_sessions(
    query: Query, sessions: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The sessions (as Hit.dump shows them) whose title or branch contains the query,
    ignoring case."""
    needle = query.text.casefold()
    return [s for s in sessions
            if any(needle in (s.get(key) or "").casefold() for key in ("title", "branch"))]  # fmt: skip
