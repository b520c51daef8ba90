"""Issue 9 item 13: the database and its -wal/-shm files are private (0600) like the rest."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import Server, running


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The common default umask (022), under which a file created 0644 stays readable to all."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def modes(data_dir: Path) -> dict[str, int]:
    names = ("agent-console.db", "agent-console.db-wal", "agent-console.db-shm")
    return {n: stat.S_IMODE((data_dir / n).stat().st_mode) for n in names}


def test_database_files_are_private(data_dir: Path, tmp_path: Path, loose_umask: None) -> None:
    """A new database, its -wal and -shm are 0600; a 0644 set left by an older version (and a
    kill -9, so -wal and -shm are still there) is tightened at the next start."""
    server = Server(data_dir).start()
    with server.http() as api:
        api.post("/api/sessions", json={"type": "quick", "locationPath": str(tmp_path)})
    assert set(modes(data_dir).values()) == {0o600}
    server.kill()
    for name in modes(data_dir):
        (data_dir / name).chmod(0o644)
    with running(data_dir):
        assert set(modes(data_dir).values()) == {0o600}
