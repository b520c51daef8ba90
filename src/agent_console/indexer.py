"""Feeds the search index from the output logs, off the live output path, and keeps it true to
what the logs still hold.

The live path only hands the indexer each piece of output with its end offset (`seen`: a dict
store and a list append; the newest TAP bytes per log are held as they are). A background task
takes the new whole lines from there — or, for what is not held (a flood the index fell behind
on, output printed while the server was down), reads them from the worker host by offset —,
turns them into index text (`output_text.indexed`: a line the log's last chunks already held, as
when a TUI draws its screen again, is not indexed again; search finds it where it first
appeared) and writes them in a thread of their own, one batch (at most BATCH bytes of one log) at
a time, resting as long as each batch worked that thread (its CPU time, not the time it waited on
a busy machine: an index that can keep up with a flood does, from the output held): at most half
a core, whatever the flood, and the event loop never waits on the index. How far each log is
indexed is saved with each batch, so output printed while the server was down is indexed after
it starts, and an index that is missing is rebuilt from every log the host keeps.

Retention: chunks whose bytes left their log (the log's size cap) are dropped as the indexer
meets them; every hour, logs of removed workers whose last output is older than `days` are
deleted through the host, and chunks older than `days` leave the index, so no result ever points
at a log that is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import apsw

from agent_console.errors import Error, NotFound
from agent_console.model import LogOwner
from agent_console.output_text import complete, indexed
from agent_console.search_index import Chunk, SearchIndex
from agent_console.worker_host import Piece, WorkerHost

log = logging.getLogger(__name__)
T = TypeVar("T")
BATCH = 1024 * 1024  # bytes of one log read and indexed at once (the host's read limit)
CHUNK = 64 * 1024  # bytes of output per index row: a match reads at most this much back
DELAY = 1.0  # seconds between the first new output and indexing it (small outputs coalesce)
PAUSE = 1.0  # rest after a batch, as a multiple of the CPU time it took
TAP = 2 * 1024 * 1024  # newest output held per log for the indexer (else read from the host)
RECENT = 4096  # distinct raw lines remembered per log: one drawn again unchanged is indexed once
PRUNE_EVERY = 3600.0
RETRY = 5.0
DAY = 86400.0


@dataclass
class Tap:
    """A log's newest output, as the live path handed it on: `parts` from offset `start`."""

    start: int
    parts: list[bytes]
    size: int

    @property
    def end(self) -> int:
        return self.start + self.size


class SearchUnavailable(Error):
    code = "SEARCH_UNAVAILABLE"
    status = 503


class Ownership:
    """What the indexer needs to know about ownership: the workers in sessions now, the
    removed workers whose logs are kept, and how to forget those."""

    def __init__(
        self,
        live: Callable[[], Collection[str]],
        retired: Callable[[], dict[str, LogOwner]],
        forget: Callable[[list[str]], None],
    ) -> None:
        self.live, self.retired, self.forget = live, retired, forget


class Indexer:
    def __init__(
        self, path: Path, host: Callable[[], WorkerHost], owners: Ownership, days: float
    ) -> None:
        self._path = path
        self._host = host
        self._owners = owners
        self.days = days
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="search-index")
        self._index: SearchIndex | None = None
        self._indexed: dict[str, int] = {}  # how far each log is indexed
        self._due: dict[str, int] = {}  # logs with output past that: how far it reached
        self._hint: dict[str, float] = {}  # when backlog found at start was last written
        self._recent: dict[str, set[bytes]] = {}  # per log: the lines its last chunks held
        self._storage_problem = False  # the last attempt failed to write (said once)
        self._taps: dict[str, Tap] = {}  # per log: its newest output as the live path gave it
        self._wake = asyncio.Event()
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.cpu = 0.0  # seconds the index's thread worked
        self.problem: str | None = None  # why there is no index (search answers 503)
        self._prune_timer: asyncio.TimerHandle | None = None

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Opens (or starts rebuilding) the index, finds the backlog, prunes, starts working. An
        index that cannot be opened at all (a full disk, no permission) leaves search off with
        the reason, and the server up."""
        try:
            self._index = index = await self._call(SearchIndex, self._path)
        except (apsw.Error, OSError) as exc:
            self.problem = f"the search index cannot be opened: {exc}"
            log.error("%s; search is off until the next start", self.problem)
            return
        self._indexed = await self._call(index.indexed)
        await self.prune()
        self._prune_later()
        self._spawn(self._run())

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for timer in (self._timer, self._prune_timer):
            if timer is not None:
                timer.cancel()
        if self._index is not None:
            await self._call(self._index.close)
        self._executor.shutdown(wait=True)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- the live path's hook ---------------------------------------------------------------

    def seen(self, worker_id: str, end: int, data: bytes) -> None:
        """A worker printed `data`, ending at offset `end` (called for every output event: keep
        it cheap). The newest TAP bytes are kept (references, no copy), so the indexer need not
        read them back from the host."""
        self._due[worker_id] = end
        tap = self._taps.get(worker_id)
        if tap is not None and tap.end == end - len(data) and tap.size < TAP:
            tap.parts.append(data)
            tap.size += len(data)
            if tap.size >= BATCH:
                self._wake.set()  # a flood: index while it is all still held
        else:
            self._taps[worker_id] = Tap(end - len(data), [data], len(data))
        if self._timer is None and not self._wake.is_set():
            self._timer = asyncio.get_running_loop().call_later(DELAY, self._woken)

    def _woken(self) -> None:
        self._timer = None
        self._wake.set()

    @property
    def pending(self) -> int:
        """Bytes of output not indexed yet."""
        return sum(max(0, end - self._indexed.get(w, 0)) for w, end in self._due.items())

    # --- the work ---------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                while self._due:
                    for worker_id in list(self._due):
                        worked = self.cpu
                        await self._index_some(worker_id)
                        await asyncio.sleep((self.cpu - worked) * PAUSE)
                self._storage_problem = False
            except (apsw.FullError, apsw.IOError, OSError) as exc:  # a full disk: no traceback
                if not self._storage_problem:
                    log.warning(
                        "search index not being saved (%s); retrying every %.0f s", exc, RETRY
                    )
                self._storage_problem = True
                await asyncio.sleep(RETRY)
                self._wake.set()
            except Exception:  # the index must never take the server down; try again later
                log.exception("indexing output for search failed; retrying in %.0f s", RETRY)
                await asyncio.sleep(RETRY)
                self._wake.set()

    async def _index_some(self, worker_id: str) -> None:
        """Indexes the next whole lines of one log (at most BATCH bytes of it)."""
        assert self._index is not None
        start, end = self._indexed.get(worker_id, 0), self._due.get(worker_id, 0)
        if start >= end:
            self._due.pop(worker_id, None)
            return
        try:
            piece = self._tapped(worker_id, start, end) or await self._host().read(
                worker_id, start, min(BATCH, end - start)
            )
        except NotFound:  # the log is gone
            await self.forget([worker_id])
            return
        if piece.start > start:  # older output left the log before it was indexed
            await self._call(self._index.drop_before, worker_id, piece.retained_start)
        whole = complete(piece.data) or (len(piece.data) if len(piece.data) >= BATCH else 0)
        upto = piece.start + whole
        chunks = split(piece.data[:whole], piece.start)
        at = min(time.time(), self._hint.pop(worker_id, time.time()))
        await self._call(self._add, worker_id, chunks, upto, at)
        self._indexed[worker_id] = upto
        self._untap(worker_id, upto)
        if whole == 0 or upto >= end:
            self._due.pop(worker_id, None)  # done, or only a line still being printed is left

    def _tapped(self, worker_id: str, start: int, end: int) -> Piece | None:
        """Up to BATCH bytes of output from `start` as the live path handed them on; None when
        they are not held (they are then read from the host)."""
        tap = self._taps.get(worker_id)
        if tap is None or not tap.start <= start < tap.end:
            return None
        if len(tap.parts) > 1:
            tap.parts[:] = [b"".join(tap.parts)]
        data = tap.parts[0][start - tap.start : start - tap.start + min(BATCH, end - start)]
        return Piece(start, data, start)

    def _untap(self, worker_id: str, upto: int) -> None:
        """Lets go of the held output before `upto` (indexed)."""
        tap = self._taps.get(worker_id)
        if tap is not None and tap.start < upto:
            rest = b"".join(tap.parts)[upto - tap.start :] if upto < tap.end else b""
            self._taps[worker_id] = Tap(max(upto, tap.start), [rest] if rest else [], len(rest))

    def _add(self, worker_id: str, chunks: list[tuple[int, bytes]], upto: int, at: float) -> None:
        """In the index's thread: the text of each chunk (a line indexed lately — a TUI drawing
        its screen again — is not indexed again), all written in one transaction."""
        assert self._index is not None
        began = time.thread_time()
        recent = self._recent.setdefault(worker_id, set())
        if len(recent) > RECENT:
            recent.clear()
        rows = [(start, start + len(data), indexed(data, recent)) for start, data in chunks]
        self._index.add(worker_id, rows, upto, at)
        self.cpu += time.thread_time() - began

    # --- retention --------------------------------------------------------------------------

    async def prune(self) -> None:
        """Deletes removed workers' logs older than `days` (through the host), forgets what is
        gone from the index, and notes every log with output not indexed yet (at start and
        every PRUNE_EVERY seconds)."""
        assert self._index is not None
        cutoff = time.time() - self.days * DAY
        live, retired = set(self._owners.live()), self._owners.retired()
        logs = await self._host().logs()
        doomed = [stored.worker_id for stored in logs
                  if stored.worker_id in retired and stored.worker_id not in live
                  and not stored.hosted and stored.modified < cutoff]  # fmt: skip
        for worker_id in doomed:
            with contextlib.suppress(Error):
                await self._host().forget(worker_id, delete_log=True)
        kept = {stored.worker_id: stored for stored in logs if stored.worker_id not in doomed}
        self._owners.forget([w for w in retired if w not in kept])
        await self.forget([w for w in self._indexed if w not in kept])
        await self._call(self._index.drop_older, cutoff)
        for stored in sorted(kept.values(), key=lambda s: s.modified):
            if stored.end_offset > self._indexed.get(stored.worker_id, 0):
                self._due.setdefault(stored.worker_id, stored.end_offset)
                self._hint.setdefault(stored.worker_id, stored.modified)
        self._wake.set()

    def _prune_later(self) -> None:
        self._prune_timer = asyncio.get_running_loop().call_later(
            PRUNE_EVERY, lambda: self._spawn(self._prune_again())
        )

    async def _prune_again(self) -> None:
        try:
            await self.prune()
        except Exception:  # e.g. the host went away meanwhile: the next round prunes
            log.exception("pruning old history failed")
        self._prune_later()

    async def forget(self, worker_ids: list[str]) -> None:
        """Drops whole logs from the index (their files are gone)."""
        if worker_ids and self._index is not None:
            await self._call(self._index.drop_logs, worker_ids)
        for worker_id in worker_ids:
            self._indexed.pop(worker_id, None)
            self._due.pop(worker_id, None)
            self._recent.pop(worker_id, None)
            self._taps.pop(worker_id, None)

    async def drop_before(self, worker_id: str, offset: int) -> None:
        """Drops a log's chunks that left it (found by a search that read them back)."""
        if self._index is not None:
            await self._call(self._index.drop_before, worker_id, offset)

    # --- queries ----------------------------------------------------------------------------

    def _ready(self) -> SearchIndex:
        if self._index is None:
            raise SearchUnavailable(self.problem or "the search index is still opening")
        return self._index

    async def candidates(self, match: str, below: int | None, limit: int) -> list[Chunk]:
        return await self._call(self._ready().candidates, match, below, limit)

    async def stats(self) -> dict[str, int]:
        index = self._ready()
        chunks, covered = await self._call(index.stats)
        return {"chunks": chunks, "indexedBytes": covered, "pendingBytes": self.pending,
                "indexFileBytes": index.size, "threadCpuMs": round(self.cpu * 1000)}  # fmt: skip


def split(data: bytes, base: int) -> list[tuple[int, bytes]]:
    """`data` (starting at offset `base`) cut into chunks of whole lines of about CHUNK bytes
    (a longer line is a chunk of its own)."""
    chunks, pos = [], 0
    while pos < len(data):
        cut = data.rfind(b"\n", pos, pos + CHUNK) + 1
        if cut <= pos:
            cut = data.find(b"\n", pos + CHUNK) + 1 or len(data)
        chunks.append((base + pos, data[pos:cut]))
        pos = cut
    return chunks
