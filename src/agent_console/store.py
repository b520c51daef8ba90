"""The only module that speaks SQL: sessions, workers, custom agents, repositories, and the
messages queued for agents.

Rows hold the model's JSON beside the columns we look up by, so a new model field needs no
migration. Migrations are named, ordered steps recorded in `migrations`; each runs once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from agent_console.errors import StoreFailed
from agent_console.model import (
    LIVE_WORKER_FIELDS,
    Agent,
    LogOwner,
    Quarantined,
    QuarantineKind,
    QueuedMessage,
    Repository,
    Session,
    Worker,
)

_T = TypeVar("_T")
# How long a write waits for another program's lock on the database before it is refused
# (StoreFailed: a 503, nothing changed). The store is used on the event loop, so every terminal
# waits with it: sqlite3's default of 5 s froze them all that long per refused write.
LOCK_WAIT = 1.0

MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0001_initial",
        """
        CREATE TABLE sessions (id TEXT PRIMARY KEY, data TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE workers (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX workers_by_session ON workers(session_id, position);
        CREATE TABLE agents (id TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE repositories (id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
        """,
    ),
    (
        "0002_worker_processes",
        """
        CREATE TABLE processes (
            worker_id TEXT PRIMARY KEY,
            pid INTEGER NOT NULL,
            started INTEGER
        );
        """,
    ),
    (
        "0003_process_boot",
        "ALTER TABLE processes ADD COLUMN boot TEXT NOT NULL DEFAULT ''",
    ),
    (
        "0004_quarantine",
        # data: the Quarantined record; row: what was set aside, kept for a person to recover.
        "CREATE TABLE quarantine (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL, row TEXT)",
    ),
    (
        "0005_retired_workers",
        # data: the LogOwner of a removed worker whose output log is kept (for search).
        "CREATE TABLE retired_workers (worker_id TEXT PRIMARY KEY, data TEXT NOT NULL)",
    ),
    (
        "0006_process_launch",
        # The launch id an agent's hooks name (agent_hooks.py): a hook of another launch is stale.
        "ALTER TABLE processes ADD COLUMN launch TEXT",
    ),
    (
        "0007_message_queue",
        # Messages waiting for an agent to be idle, in order (seq); they go with their worker.
        """
        CREATE TABLE queued_messages (
            id TEXT PRIMARY KEY,
            worker_id TEXT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX queued_by_worker ON queued_messages(worker_id, seq);
        """,
    ),
)
# SQLite's verdicts on a file that is not (or no longer) a sound database.
DAMAGED = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})


class DamagedDatabase(Exception):
    """The database file is damaged, truncated, not SQLite, or not a file at all."""


def _make_private(path: Path) -> None:
    """The database file, created if need be, and its -wal and -shm files are the owner's only
    (they hold terminal titles, prompts and paths). SQLite gives -wal and -shm the database file's
    mode, so creating it 0600 covers them; an older 0644 set is tightened here."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        create = os.O_CREAT if name == path else 0
        try:
            fd = os.open(name, os.O_RDONLY | create | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
        except FileNotFoundError:
            continue
        except IsADirectoryError:
            raise DamagedDatabase(f"{name.name} is a directory, not a database") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise DamagedDatabase(f"{name.name} is not a regular file")
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)


class Store:
    def __init__(self, path: Path) -> None:
        """Opens (or creates) the database and brings it up to date. DamagedDatabase when the
        file is not a sound database; sqlite3.Error or StoreFailed when it cannot be used now
        (permissions, a full disk, another program's lock)."""
        _make_private(path)
        self._db = sqlite3.connect(
            path, timeout=LOCK_WAIT, isolation_level=None, check_same_thread=False
        )
        self.quarantined_now: list[Quarantined] = []  # set aside by this process
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            problems = [row[0] for row in self._db.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise DamagedDatabase("; ".join(problems[:3]))
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            if exc.sqlite_errorname in DAMAGED:
                raise DamagedDatabase(str(exc)) from exc
            raise
        except BaseException:
            self._db.close()
            raise

    def _migrate(self) -> None:
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        done = {row[0] for row in self._db.execute("SELECT name FROM migrations")}
        for name, sql in MIGRATIONS:
            if name not in done:
                with self._transaction():
                    for statement in filter(str.strip, sql.split(";")):
                        self._db.execute(statement)
                    self._db.execute("INSERT INTO migrations VALUES (?, datetime('now'))", (name,))

    @property
    def applied_migrations(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT name FROM migrations ORDER BY name")]

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction; a database error (busy, full, read-only) becomes StoreFailed,
        with nothing changed — callers change their memory only after this succeeded."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreFailed(f"the database refused the change: {exc}") from exc

    def check_writable(self) -> None:
        """StoreFailed now if a write would be refused (busy, full, read-only): for a change
        that must touch something outside the database (git) before it is stored."""
        with self._transaction():
            pass

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        with self._transaction():
            self._db.execute(sql, params)

    def close(self) -> None:
        self._db.close()

    # --- sessions and workers ---------------------------------------------------------------

    def save_session(self, session: Session) -> None:
        """Writes the session and exactly its current workers."""
        data = session.model_dump_json(exclude={"workers"})
        with self._transaction():
            self._db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET data=excluded.data",
                (session.id, data, session.created_at),
            )
            ids = [w.id for w in session.workers]
            marks = ",".join("?" * len(ids))
            self._db.execute(
                f"DELETE FROM workers WHERE session_id = ? AND id NOT IN ({marks})",  # noqa: S608
                (session.id, *ids),
            )
            for position, worker in enumerate(session.workers):
                self._db.execute(
                    "INSERT INTO workers VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                    "position=excluded.position, data=excluded.data",
                    (
                        worker.id,
                        session.id,
                        position,
                        worker.model_dump_json(exclude=set(LIVE_WORKER_FIELDS)),
                    ),
                )

    def delete_session(self, session_id: str) -> None:
        self._write("DELETE FROM sessions WHERE id = ?", (session_id,))

    def load_sessions(self) -> list[Session]:
        """Every session with its workers. A row that cannot be read any more (edited by hand,
        damaged, written by a newer version) is moved to the quarantine table — a session with
        its workers — so that it cannot stop this start or any later one."""
        rows = self._db.execute(
            "SELECT id, session_id, data FROM workers ORDER BY session_id, position"
        ).fetchall()
        workers: dict[str, list[Worker]] = {}
        for worker_id, session_id, data in rows:
            worker = self._read_row("worker", worker_id, data, Worker.model_validate_json)
            if worker is not None:
                workers.setdefault(session_id, []).append(worker)
        sessions = []
        for session_id, data in self._db.execute(
            "SELECT id, data FROM sessions ORDER BY created_at, id"
        ).fetchall():
            own = [(w, d) for w, s, d in rows if s == session_id]
            session = self._read_row("session", session_id, data, Session.model_validate_json, own)
            if session is not None:
                session.workers = workers.get(session_id, [])
                sessions.append(session)
        return sessions

    # --- removed workers whose logs are kept ------------------------------------------------

    def retire(self, owners: Sequence[LogOwner]) -> None:
        """Records who removed workers belonged to (their logs stay until pruned by age)."""
        with self._transaction():
            for owner in owners:
                self._db.execute(
                    "INSERT INTO retired_workers VALUES (?, ?) ON CONFLICT(worker_id) DO UPDATE "
                    "SET data=excluded.data",
                    (owner.worker_id, owner.model_dump_json()),
                )

    def retired(self) -> dict[str, LogOwner]:
        """The removed workers whose logs are kept, by worker id (unreadable rows skipped)."""
        owners = {}
        for worker_id, data in self._db.execute("SELECT worker_id, data FROM retired_workers"):
            try:
                owners[worker_id] = LogOwner.model_validate_json(data)
            except ValueError:
                continue
        return owners

    def forget_retired(self, worker_ids: Sequence[str]) -> None:
        with self._transaction():
            for worker_id in worker_ids:
                self._db.execute("DELETE FROM retired_workers WHERE worker_id = ?", (worker_id,))

    # --- worker processes (to end leftovers of a killed server) -----------------------------

    def record_process(
        self, worker_id: str, pid: int, started: int | None, boot: str, launch: str | None = None
    ) -> None:
        self._write(
            "INSERT INTO processes (worker_id, pid, started, boot, launch) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(worker_id) DO UPDATE SET pid=excluded.pid, started=excluded.started, "
            "boot=excluded.boot, launch=excluded.launch",
            (worker_id, pid, started, boot, launch),
        )

    def recorded_launch(self, worker_id: str) -> str | None:
        """The launch id recorded with the worker's process (see record_process)."""
        row = self._db.execute(
            "SELECT launch FROM processes WHERE worker_id = ?", (worker_id,)
        ).fetchone()
        return str(row[0]) if row is not None and row[0] is not None else None

    def forget_process(self, worker_id: str) -> None:
        self._write("DELETE FROM processes WHERE worker_id = ?", (worker_id,))

    def recorded_processes(self, boot: str, worker_id: str) -> list[tuple[int, int | None]]:
        """(pid, start time) of the worker's child recorded during boot `boot`."""
        rows = self._db.execute(
            "SELECT pid, started FROM processes WHERE boot = ? AND worker_id = ?", (boot, worker_id)
        )
        return [(pid, started) for pid, started in rows]

    def forget_all_processes(self) -> None:
        self._write("DELETE FROM processes", ())

    # --- messages queued for agents ---------------------------------------------------------

    def queue_message(self, worker_id: str, message: QueuedMessage) -> None:
        """Adds a message at the end of the worker's queue."""
        self._write(
            "INSERT INTO queued_messages VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM "
            "queued_messages WHERE worker_id = ?), ?)",
            (message.id, worker_id, worker_id, message.model_dump_json()),
        )

    def update_queued(self, message: QueuedMessage) -> None:
        """Saves a queued message's new text; its place in the queue stays."""
        self._write(
            "UPDATE queued_messages SET data = ? WHERE id = ?",
            (message.model_dump_json(), message.id),
        )

    def unqueue(self, message_id: str) -> None:
        """Removes a message from its queue (delivered or cancelled)."""
        self._write("DELETE FROM queued_messages WHERE id = ?", (message_id,))

    def load_queues(self) -> dict[str, list[QueuedMessage]]:
        """Every worker's queued messages, oldest first; a row that cannot be read is left where
        it is and skipped."""
        queues: dict[str, list[QueuedMessage]] = {}
        for worker_id, data in self._db.execute(
            "SELECT worker_id, data FROM queued_messages ORDER BY worker_id, seq"
        ):
            try:
                message = QueuedMessage.model_validate_json(data)
            except ValueError:
                continue
            queues.setdefault(worker_id, []).append(message)
        return queues

    # --- agents and repositories ------------------------------------------------------------

    def save_agent(self, agent: Agent) -> None:
        self._upsert("agents", agent.id, agent.model_dump_json())

    def delete_agent(self, agent_id: str) -> None:
        self._write("DELETE FROM agents WHERE id = ?", (agent_id,))

    def load_agents(self) -> list[Agent]:
        return self._load("agent", Agent.model_validate_json)

    def save_repository(self, repo: Repository) -> None:
        self._write(
            "INSERT INTO repositories VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "path=excluded.path, data=excluded.data",
            (repo.id, repo.path, repo.model_dump_json()),
        )

    def delete_repository(self, repo_id: str) -> None:
        self._write("DELETE FROM repositories WHERE id = ?", (repo_id,))

    def load_repositories(self) -> list[Repository]:
        return self._load("repository", Repository.model_validate_json)

    def _upsert(self, table: str, key: str, data: str) -> None:
        self._write(
            f"INSERT INTO {table} VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data=excluded.data",  # noqa: S608
            (key, data),
        )

    def _load(self, kind: QuarantineKind, parse: Callable[[str], _T]) -> list[_T]:
        """Every readable row of a kind's table; the others are quarantined (see load_sessions)."""
        rows = self._db.execute(f"SELECT id, data FROM {_TABLES[kind]} ORDER BY rowid").fetchall()  # noqa: S608
        loaded = (self._read_row(kind, key, data, parse) for key, data in rows)
        return [item for item in loaded if item is not None]

    # --- quarantine: rows and files set aside so that everything else starts ----------------

    def _read_row(
        self,
        kind: QuarantineKind,
        key: str,
        data: str,
        parse: Callable[[str], _T],
        workers: Sequence[tuple[str, str]] = (),
    ) -> _T | None:
        """The parsed row, or None after moving it (and `workers`, its worker rows) aside."""
        try:
            item = parse(data)
            if getattr(item, "id", key) != key:
                raise ValueError("the id inside does not match the row's id")
            return item
        except ValueError as exc:
            row = json.dumps({"data": data, "workers": dict(workers)} if workers else data)
            ids = [key] if kind == "worker" else [w for w, _ in workers]
            record = Quarantined(id=0, kind=kind, name=key, reason=_unreadable(exc), worker_ids=ids)
            with self._transaction():
                self._insert_quarantined(record, row)
                self._db.execute(f"DELETE FROM {_TABLES[kind]} WHERE id = ?", (key,))  # noqa: S608
            return None

    def quarantine(self, record: Quarantined) -> Quarantined:
        """Records something set aside (its id is assigned here)."""
        with self._transaction():
            return self._insert_quarantined(record, None)

    def _insert_quarantined(self, record: Quarantined, row: str | None) -> Quarantined:
        data = record.model_dump_json(exclude={"id"})
        cursor = self._db.execute("INSERT INTO quarantine (data, row) VALUES (?, ?)", (data, row))
        saved = record.model_copy(update={"id": cursor.lastrowid})
        self.quarantined_now.append(saved)
        return saved

    def quarantined(self) -> list[Quarantined]:
        rows = self._db.execute("SELECT id, data FROM quarantine ORDER BY id").fetchall()
        return [Quarantined.model_validate({**json.loads(d), "id": i}) for i, d in rows]

    def forget_quarantined(self, record_id: int) -> bool:
        """Drops the record (what it set aside stays where it is); False if there was none."""
        with self._transaction():
            cursor = self._db.execute("DELETE FROM quarantine WHERE id = ?", (record_id,))
        return cursor.rowcount > 0


_TABLES: dict[str, str] = {"session": "sessions", "worker": "workers", "agent": "agents",
                           "repository": "repositories"}  # fmt: skip


def _unreadable(exc: ValueError) -> str:
    """Why a row could not be read, in one line."""
    if isinstance(exc, ValidationError) and exc.errors():
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        return f"unreadable row ({where + ': ' if where else ''}{error['msg']})"
    return f"unreadable row ({exc})"
