"""Damaged state set aside so that everything else starts — never a crash loop.

What can be damaged, and what happens to it at start:
- the database (corrupt, truncated, not SQLite, not a file): it moves, with its -wal, -shm and the
  output logs (they belong to its sessions), to `<data dir>/quarantine/<time>-database/`, and the
  server starts with an empty one;
- one row (a session with its workers, a worker, an agent, a repository) that cannot be read:
  the store moves it to its quarantine table (store.py); the output logs of its workers stay;
- a worker's output log that is not a usable file (a directory, a FIFO, unreadable), or a `logs`
  that is not a directory: it moves to `<data dir>/quarantine/`, and the worker starts a new log.

Each is recorded (GET /api/quarantine lists the records for the UI) and logged as one line that
says what was set aside, where it went and what to do. When nothing can start (the database
cannot be opened at all) the server refuses with one line: StartupError.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

from agent_console.config import Settings
from agent_console.errors import StoreFailed
from agent_console.model import Quarantined
from agent_console.store import DamagedDatabase, Store

QUARANTINE_DIR = "quarantine"
log = logging.getLogger(__name__)


class StartupError(Exception):
    """Nothing can start; the message says what is wrong and what to do."""


def open_data(settings: Settings) -> Store:
    """The data directory's database, with damaged state set aside (see the module doc)."""
    store = open_store(settings)
    check_logs(settings, store)
    return store


def open_store(settings: Settings) -> Store:
    """The database; a damaged one is moved aside, with the output logs, for an empty one."""
    path = settings.db_path
    try:
        return Store(path)
    except DamagedDatabase as exc:
        damage = str(exc)
    except (sqlite3.Error, StoreFailed, OSError) as exc:
        raise StartupError(
            f"cannot open the database {path}: {exc}. Check its permissions and the free disk "
            "space; if it cannot be fixed, move it away to start with an empty one"
        ) from None
    try:
        folder = new_place(settings.data_dir, "database")
        folder.mkdir(mode=0o700)
        for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), settings.logs_dir):
            if os.path.lexists(part):
                os.replace(part, folder / part.name)
    except OSError as exc:
        raise StartupError(
            f"the database {path} is damaged ({damage}) and could not be moved aside "
            f"({exc.strerror}); move it away by hand to start with an empty one"
        ) from None
    store = Store(path)
    store.quarantine(
        Quarantined(id=0, kind="database", name=path.name, reason=damage, moved_to=str(folder))
    )
    return store


def check_logs(settings: Settings, store: Store) -> None:
    """Moves aside whatever stands where an output log (or the logs folder) must be but cannot
    serve as one, so that each worker starts a new log instead of failing."""
    logs = settings.logs_dir
    if os.path.lexists(logs) and not logs.is_dir():
        _set_aside(settings, store, logs, "is not a directory")
        return
    for path in sorted(logs.glob("*.log")) if logs.is_dir() else ():
        problem = _log_problem(path)
        if problem is not None:
            _set_aside(settings, store, path, problem)


def _log_problem(path: Path) -> str | None:
    try:
        mode = path.lstat().st_mode
        if stat.S_ISDIR(mode):
            return "is a directory, not an output log"
        if not stat.S_ISREG(mode):
            return "is not a regular file"
        os.close(os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC))
    except OSError as exc:
        return f"cannot be opened ({exc.strerror})"
    return None


def _set_aside(settings: Settings, store: Store, path: Path, problem: str) -> None:
    try:
        place = new_place(settings.data_dir, path.name)
        os.replace(path, place)
    except OSError as exc:
        raise StartupError(
            f"{path} {problem} and could not be moved aside ({exc.strerror}); move it away"
        ) from None
    store.quarantine(
        Quarantined(id=0, kind="log", name=path.name, reason=problem, moved_to=str(place))
    )


def new_place(data_dir: Path, name: str) -> Path:
    """A fresh path `<data dir>/quarantine/<UTC time>-<name>` (the folder is created 0700)."""
    folder = data_dir / QUARANTINE_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    place, n = folder / f"{stamp}-{name}", 1
    while os.path.lexists(place):
        place, n = folder / f"{stamp}-{n}-{name}", n + 1
    return place


def report(store: Store, db_path: Path) -> None:
    """One log line for each thing set aside during this start."""
    for record in store.quarantined_now:
        log.warning("%s", describe(record, db_path))


def describe(record: Quarantined, db_path: Path) -> str:
    """What was set aside, why, where it went and what to do, in one line."""
    if record.kind == "database":
        return (
            f"the database {db_path} is damaged ({record.reason}); it and the output logs were "
            f"moved to {record.moved_to} and the server started without them. "
            f"`sqlite3 {record.moved_to}/{record.name} .recover` may salvage its rows"
        )
    if record.kind == "log":
        return (
            f"output log {record.name} {record.reason}; moved to {record.moved_to}, the worker "
            "starts a new log"
        )
    return (
        f"{record.kind} {record.name} in {db_path} could not be read ({record.reason}); it was "
        "moved to the database's quarantine table and everything else started. "
        "GET /api/quarantine lists it; fix or delete it there"
    )
