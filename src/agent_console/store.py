"""The only module that speaks SQL: sessions, workers, custom agents, repositories.

Rows hold the model's JSON beside the columns we look up by, so a new model field needs no
migration. Migrations are named, ordered steps recorded in `migrations`; each runs once.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from agent_console.errors import StoreFailed
from agent_console.model import Agent, Repository, Session, Worker

_T = TypeVar("_T")

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
)


def _make_private(path: Path) -> None:
    """The database file, created if need be, and its -wal and -shm files are the owner's only
    (they hold terminal titles, prompts and paths). SQLite gives -wal and -shm the database file's
    mode, so creating it 0600 covers them; an older 0644 set is tightened here."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        create = os.O_CREAT if name == path else 0
        try:
            fd = os.open(name, os.O_RDONLY | create | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except FileNotFoundError:
            continue
        try:
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)


class Store:
    def __init__(self, path: Path) -> None:
        _make_private(path)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

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
                    (worker.id, session.id, position, worker.model_dump_json()),
                )

    def delete_session(self, session_id: str) -> None:
        self._write("DELETE FROM sessions WHERE id = ?", (session_id,))

    def load_sessions(self) -> list[Session]:
        workers: dict[str, list[Worker]] = {}
        for session_id, data in self._db.execute(
            "SELECT session_id, data FROM workers ORDER BY session_id, position"
        ):
            workers.setdefault(session_id, []).append(Worker.model_validate_json(data))
        sessions = []
        for (data,) in self._db.execute("SELECT data FROM sessions ORDER BY created_at, id"):
            session = Session.model_validate_json(data)
            session.workers = workers.get(session.id, [])
            sessions.append(session)
        return sessions

    # --- worker processes (to end leftovers of a killed server) -----------------------------

    def record_process(self, worker_id: str, pid: int, started: int | None, boot: str) -> None:
        self._write(
            "INSERT INTO processes VALUES (?, ?, ?, ?) ON CONFLICT(worker_id) DO UPDATE SET "
            "pid=excluded.pid, started=excluded.started, boot=excluded.boot",
            (worker_id, pid, started, boot),
        )

    def forget_process(self, worker_id: str) -> None:
        self._write("DELETE FROM processes WHERE worker_id = ?", (worker_id,))

    def recorded_processes(self, boot: str) -> list[tuple[int, int | None]]:
        """(pid, start time) of the children recorded during boot `boot`."""
        rows = self._db.execute("SELECT pid, started FROM processes WHERE boot = ?", (boot,))
        return [(pid, started) for pid, started in rows]

    def forget_all_processes(self) -> None:
        self._write("DELETE FROM processes", ())

    # --- agents and repositories ------------------------------------------------------------

    def save_agent(self, agent: Agent) -> None:
        self._upsert("agents", agent.id, agent.model_dump_json())

    def delete_agent(self, agent_id: str) -> None:
        self._write("DELETE FROM agents WHERE id = ?", (agent_id,))

    def load_agents(self) -> list[Agent]:
        return self._load("SELECT data FROM agents ORDER BY rowid", Agent.model_validate_json)

    def save_repository(self, repo: Repository) -> None:
        self._write(
            "INSERT INTO repositories VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "path=excluded.path, data=excluded.data",
            (repo.id, repo.path, repo.model_dump_json()),
        )

    def delete_repository(self, repo_id: str) -> None:
        self._write("DELETE FROM repositories WHERE id = ?", (repo_id,))

    def load_repositories(self) -> list[Repository]:
        return self._load(
            "SELECT data FROM repositories ORDER BY rowid", Repository.model_validate_json
        )

    def _upsert(self, table: str, key: str, data: str) -> None:
        self._write(
            f"INSERT INTO {table} VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data=excluded.data",  # noqa: S608
            (key, data),
        )

    def _load(self, sql: str, parse: Callable[[str], _T]) -> list[_T]:
        return [parse(row[0]) for row in self._db.execute(sql)]
