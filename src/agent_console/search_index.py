"""The search index: which stretches of which output logs hold which words. Its own database
file (`search.db`), derived from the logs only, so a missing, damaged or older one is rebuilt
from them.

It is an SQLite FTS5 table that is *contentless* (the text stays in the logs; the exact lines
are found by reading a stretch back) and *contentless_delete* (a stretch goes when its log, its
bytes or its days go). It keeps each word's positions (detail=full), so a query's words are one
phrase and the candidates are the chunks that really hold them in that order: detail=none is a
quarter of the size but, measured, its chunks holding the words anywhere made a multi-word query
read dozens of chunks for nothing. One FTS row per chunk of whole lines; `chunks` says whose log
and which offsets. Chunk ids grow as output is indexed, so the FTS's own rowid order is newest
first.

apsw, not the stdlib sqlite3: contentless_delete needs SQLite 3.43, and Debian 12 ships 3.40.
Used from one thread at a time (the indexer's executor).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import apsw

log = logging.getLogger(__name__)
SCHEMA_VERSION = 1
WAL_LIMIT = 4 * 1024 * 1024
# FTS5 merges its b-trees once this many of a size are written (its default is 4). Each batch of
# output indexed writes one; merging them rewrites every word again per level. Measured on the
# standard library's source indexed in 1 MiB batches: about 10 % less CPU at 8 than at 4 (10.2
# against 11.4 ms per MiB), queries as fast (they read at most twice as many b-trees per size).
# Set as an index is created: opening one writes nothing, so a full disk cannot cost it.
AUTOMERGE = 8
SCHEMA = """
CREATE TABLE logs (ref INTEGER PRIMARY KEY, worker_id TEXT NOT NULL UNIQUE, indexed INTEGER NOT NULL);
CREATE TABLE chunks (id INTEGER PRIMARY KEY, ref INTEGER NOT NULL, start INTEGER NOT NULL,
                     end INTEGER NOT NULL, time REAL NOT NULL);
CREATE INDEX chunks_by_log ON chunks(ref, start);
CREATE VIRTUAL TABLE words USING fts5(text, content='', contentless_delete=1);
"""


@dataclass(frozen=True)
class Chunk:
    """A stretch [start, end) of whole lines of one worker's log, indexed at `time`."""

    id: int
    worker_id: str
    start: int
    end: int
    time: float


class SearchIndex:
    def __init__(self, path: Path) -> None:
        """Opens the index, or starts an empty one (to be filled from the logs) when it is
        missing, damaged or of another schema version."""
        self.path = path
        self.rebuilt = False
        try:
            self._db = self._open()
        except apsw.Error as exc:
            log.warning("the search index is unusable (%s); rebuilding it from the logs", exc)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self._db = self._open()

    def _open(self) -> apsw.Connection:
        db = apsw.Connection(str(self.path))
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                f"PRAGMA journal_size_limit={WAL_LIMIT}"
            )  # the WAL shrinks back after a burst
            version = db.execute("PRAGMA user_version").fetchall()[0][0]
            tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchall()[0][0]
            if version != SCHEMA_VERSION and tables:
                raise apsw.SchemaChangeError(f"schema version {version}, not {SCHEMA_VERSION}")
            if not tables:
                with db:
                    db.execute(SCHEMA)
                    db.execute("INSERT INTO words (words, rank) VALUES ('automerge', ?)",
                               (AUTOMERGE,))  # fmt: skip
                    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                self.rebuilt = True
            db.execute("SELECT count(*) FROM words WHERE words MATCH 'probe'").fetchall()
        except apsw.Error:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._db.close()

    @property
    def size(self) -> int:
        """Bytes on disk (the database and its write-ahead log)."""
        total = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):
                total += Path(f"{self.path}{suffix}").stat().st_size
        return total

    # --- writing ----------------------------------------------------------------------------

    def indexed(self) -> dict[str, int]:
        """How far each log is indexed (its offset), by worker id."""
        rows = self._db.execute("SELECT worker_id, indexed FROM logs").fetchall()
        return {str(worker_id): int(offset) for worker_id, offset in rows}  # type: ignore[arg-type]

    def add(self, worker_id: str, chunks: Sequence[tuple[int, int, str]], upto: int,
            time: float) -> None:  # fmt: skip
        """Indexes `chunks` (start, end, text) of a log and records it indexed up to `upto`,
        in one transaction."""
        with self._db:
            ref = self._ref(worker_id)
            for start, end, text in chunks:
                self._db.execute("INSERT INTO chunks (ref, start, end, time) VALUES (?, ?, ?, ?)",
                                 (ref, start, end, time))  # fmt: skip
                chunk_id = self._db.last_insert_rowid()
                self._db.execute("INSERT INTO words (rowid, text) VALUES (?, ?)", (chunk_id, text))
            self._db.execute("UPDATE logs SET indexed = ? WHERE ref = ?", (upto, ref))

    def _ref(self, worker_id: str) -> int:
        self._db.execute(
            "INSERT INTO logs (worker_id, indexed) VALUES (?, 0) ON CONFLICT DO NOTHING",
            (worker_id,),
        )
        row = self._db.execute("SELECT ref FROM logs WHERE worker_id = ?", (worker_id,)).fetchall()
        return int(row[0][0])  # type: ignore[arg-type]

    def drop_before(self, worker_id: str, offset: int) -> None:
        """Forgets the chunks of a log that end at or before `offset` (no longer retained; one
        that is partly kept stays, for its lines that are)."""
        with self._db:
            self._drop(
                "SELECT id FROM chunks WHERE ref = (SELECT ref FROM logs WHERE worker_id = ?) "
                "AND end <= ?",
                (worker_id, offset),
            )

    def drop_logs(self, worker_ids: Iterable[str]) -> None:
        """Forgets whole logs (deleted)."""
        with self._db:
            for worker_id in worker_ids:
                self._drop("SELECT id FROM chunks WHERE ref = (SELECT ref FROM logs "
                           "WHERE worker_id = ?)", (worker_id,))  # fmt: skip
                self._db.execute("DELETE FROM logs WHERE worker_id = ?", (worker_id,))

    def drop_older(self, time: float) -> None:
        """Forgets the chunks indexed before `time` (past the days history is kept)."""
        with self._db:
            self._drop("SELECT id FROM chunks WHERE time < ?", (time,))

    def _drop(self, select: str, params: tuple[object, ...]) -> None:
        ids = [row[0] for row in self._db.execute(select, params).fetchall()]
        for chunk_id in ids:
            self._db.execute("DELETE FROM words WHERE rowid = ?", (chunk_id,))
            self._db.execute("DELETE FROM chunks WHERE id = ?", (chunk_id,))

    # --- reading ----------------------------------------------------------------------------

    def candidates(self, match: str, below: int | None, limit: int) -> list[Chunk]:
        """The chunks whose words satisfy the FTS5 expression `match`, newest first, with ids
        below `below` (the next page)."""
        rows = self._db.execute(
            "SELECT rowid FROM words WHERE words MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?",
            (match, below if below is not None else 2**62, limit),
        ).fetchall()
        found = []
        for (chunk_id,) in rows:
            for row in self._db.execute(
                "SELECT c.id, l.worker_id, c.start, c.end, c.time FROM chunks c "
                "JOIN logs l ON l.ref = c.ref WHERE c.id = ?",
                (chunk_id,),
            ):
                found.append(Chunk(*row))
        return found

    def stats(self) -> tuple[int, int]:
        """(chunks, bytes of raw output they cover)."""
        count, covered = self._db.execute(
            "SELECT count(*), coalesce(sum(end - start), 0) FROM chunks"
        ).fetchall()[0]
        return int(count), int(covered)  # type: ignore[arg-type]
