"""Issue 9 item 7: damaged state never stops the server. A damaged database, an unreadable row or
an output log that is not a file is set aside (moved, logged in one line, listed by
GET /api/quarantine) and everything else starts; only what leaves nothing to start with (an
unusable token file) refuses, in one line and with exit status ≠ 0."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.harness import TIMEOUT, Server, read_output_until, running


def make_sessions(data_dir: Path, cwd: Path, count: int) -> list[dict[str, Any]]:
    """`count` shell sessions made by a server that then stops cleanly."""
    with running(data_dir) as server, server.http() as api:
        made = [
            api.post("/api/sessions", json={"type": "quick", "locationPath": str(cwd)})
            for _ in range(count)
        ]
        return [response.json()["session"] for response in made]


def quarantined(api: httpx.Client) -> list[dict[str, Any]]:
    response = api.get("/api/quarantine")
    assert response.status_code == 200, response.text
    return response.json()["quarantined"]  # type: ignore[no-any-return]


def warnings_about(server: Server, needle: str) -> list[str]:
    """The server's stderr lines that mention `needle` (and there is no traceback)."""
    log = server.log()
    assert "Traceback" not in log, log
    return [line for line in log.splitlines() if needle in line]


def test_a_corrupt_database_is_set_aside(data_dir: Path, tmp_path: Path) -> None:
    """A database file that is not SQLite moves to quarantine/ (bytes intact), the server starts
    empty, says so in one line naming the file, and lists it."""
    data_dir.mkdir(mode=0o700)
    junk = os.urandom(8192)
    (data_dir / "agent-console.db").write_bytes(junk)
    with running(data_dir) as server, server.http() as api:
        assert api.get("/api/sessions").json() == {"sessions": []}
        [record] = quarantined(api)
        assert record["kind"] == "database"
        assert (Path(record["movedTo"]) / "agent-console.db").read_bytes() == junk
        [line] = warnings_about(server, str(data_dir / "agent-console.db"))
        assert record["movedTo"] in line


def test_a_truncated_database_is_set_aside(data_dir: Path, tmp_path: Path) -> None:
    """A database cut in half (a full disk, a bad copy) is set aside the same way, with the
    output logs that belonged to its sessions."""
    [session] = make_sessions(data_dir, tmp_path, 1)
    db = data_dir / "agent-console.db"
    with db.open("r+b") as file:
        file.truncate(db.stat().st_size // 2)
    with running(data_dir) as server, server.http() as api:
        assert api.get("/api/sessions").json() == {"sessions": []}
        [record] = quarantined(api)
        assert record["kind"] == "database"
        log = Path(record["movedTo"]) / "logs" / f"{session['workers'][0]['id']}.log"
        assert log.exists()
        assert warnings_about(server, str(db))


def test_one_bad_session_row_is_set_aside(data_dir: Path, tmp_path: Path) -> None:
    """A session row that cannot be read is moved to the quarantine table with its workers; the
    other sessions start, and the bad one's output log is kept."""
    good, bad, odd = make_sessions(data_dir, tmp_path, 3)
    with sqlite3.connect(data_dir / "agent-console.db") as db:
        db.execute("UPDATE sessions SET data = '{not json' WHERE id = ?", (bad["id"],))
        db.execute("UPDATE sessions SET data = '{\"id\": 7}' WHERE id = ?", (odd["id"],))
    with running(data_dir) as server, server.http() as api:
        assert [s["id"] for s in api.get("/api/sessions").json()["sessions"]] == [good["id"]]
        records = {r["name"]: r for r in quarantined(api)}
        assert set(records) == {bad["id"], odd["id"]}
        assert records[bad["id"]]["kind"] == "session"
        assert records[bad["id"]]["workerIds"] == [bad["workers"][0]["id"]]
        assert (data_dir / "logs" / f"{bad['workers'][0]['id']}.log").exists()
        assert len(warnings_about(server, bad["id"])) == 1


async def test_a_log_that_is_a_directory_is_set_aside(data_dir: Path, tmp_path: Path) -> None:
    """A worker whose output log path is a directory starts with a new log; the directory (and
    what it holds) moves to quarantine/."""
    [session] = make_sessions(data_dir, tmp_path, 1)
    worker = session["workers"][0]["id"]
    log = data_dir / "logs" / f"{worker}.log"
    log.unlink()
    log.mkdir()
    (log / "keep.txt").write_text("mine")
    with running(data_dir) as server, server.http() as api:
        [record] = quarantined(api)
        assert record["kind"] == "log" and record["name"] == log.name
        assert (Path(record["movedTo"]) / "keep.txt").read_text() == "mine"
        assert log.is_file()
        async with server.ws(server.worker_path(session["id"], worker)) as ws:
            await ws.send(json.dumps({"type": "input", "data": "echo BACK-$((6*7))\r"}))
            await read_output_until(ws, "BACK-42")
        assert len(warnings_about(server, log.name)) == 1


def test_a_token_path_that_is_a_directory_refuses_in_one_line(data_dir: Path) -> None:
    """With no usable token nothing can start: exit ≠ 0, one line naming the file and what to
    do, no traceback (a service manager's restart loop then shows the cause)."""
    data_dir.mkdir(mode=0o700)
    (data_dir / "token").mkdir()
    env = {**os.environ, "AGENT_CONSOLE_TOKEN": "", "HOME": str(data_dir.parent)}
    argv = [sys.executable, "-m", "agent_console", "serve", "--port", "0",
            "--data-dir", str(data_dir)]  # fmt: skip
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert done.returncode != 0
    [line] = done.stderr.strip().splitlines()
    assert str(data_dir / "token") in line and "move it away" in line
