"""Issue 9 item 1: a data directory has one server; a second one refuses before touching it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.harness import TIMEOUT, TOKEN, Server, read_output_until, running


def second_serve(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`agent-console serve` on `data_dir`, run to completion (it must exit on its own)."""
    env = {**os.environ, "AGENT_CONSOLE_TOKEN": TOKEN, "HOME": str(data_dir.parent / "home")}
    argv = [sys.executable, "-m", "agent_console", "serve", "--port", "0",
            "--data-dir", str(data_dir)]  # fmt: skip
    return subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


async def test_second_server_refuses_and_leaves_the_first_alone(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A second `serve` on a data directory in use exits ≠0 with one line naming the holder,
    and the first server's shell, sessions and database go on untouched."""
    session = api.post("/api/sessions", json={"type": "quick", "locationPath": str(tmp_path)})
    body = session.json()["session"]
    worker = body["workers"][0]
    assert server.proc is not None
    before = (server.data_dir / "agent-console.db").stat().st_mtime_ns

    second = second_serve(server.data_dir)

    assert second.returncode != 0
    assert second.stdout == ""
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1, second.stderr
    pattern = rf"data directory in use by pid {server.proc.pid} on port {server.port}\b"
    assert re.search(pattern, lines[0]), lines[0]
    os.kill(worker["pid"], 0)  # the first server's shell is still there
    assert (server.data_dir / "agent-console.db").stat().st_mtime_ns == before
    assert api.get("/api/sessions").json()["sessions"][0]["id"] == body["id"]
    async with server.ws(server.worker_path(body["id"], worker["id"])) as ws:
        await ws.send(json.dumps({"type": "input", "data": "echo STILL-$((40+2))\r"}))
        await read_output_until(ws, "STILL-42")


def test_a_killed_server_leaves_no_lock_behind(data_dir: Path, tmp_path: Path) -> None:
    """After kill -9 of the owner, the next server starts on the directory and restores it."""
    first = Server(data_dir).start()
    with first.http() as api:
        created = api.post("/api/sessions", json={"type": "quick", "locationPath": str(tmp_path)})
        session_id = created.json()["session"]["id"]
    first.kill()
    with running(data_dir) as again, again.http() as api:
        assert [s["id"] for s in api.get("/api/sessions").json()["sessions"]] == [session_id]
