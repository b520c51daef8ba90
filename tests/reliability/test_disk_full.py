"""A full disk against a real server whose data directory is on a small tmpfs this test mounts:
live output still reaches every client, the worker says once that its history is not being
saved, session creation is refused clearly, and saving resumes (losing nothing held in memory)
when space returns."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import TIMEOUT, Server, create_session, read_output_until, stop_hosts_under


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'not root'})")
    try:
        yield mount
    finally:
        stop_hosts_under(mount)
        subprocess.run(["umount", "-l", str(mount)], check=False)


FULL = "history not being saved: disk full"


def fill(path: Path) -> None:
    """Writes `path` until the file system is full."""
    with path.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    with contextlib.suppress(OSError):
        os.truncate(path, max(0, path.stat().st_size - 1))  # not a byte more, even for SQLite


async def test_a_full_disk_costs_no_live_output(small_disk: Path, tmp_path: Path) -> None:
    """Output printed while the disk is full reaches the client whole; the note comes once; a
    new session is a clear 503; after space returns the log holds every byte; neither the
    server's stderr nor the host's log holds a Python traceback. (The server's stderr goes
    off the full disk; the host's log is in the data directory, so what it writes while the
    disk is full cannot be kept: its log is checked for the rest.)"""
    server = Server(small_disk / "data")
    server.log_path = tmp_path / "server.log"
    server.start()
    try:
        with server.http() as api:
            session = create_session(api, tmp_path)
            wid = session["workers"][0]["id"]
            path = server.worker_path(session["id"], wid)
            async with server.ws(path, max_size=None) as ws:
                await ws.send(json.dumps({"type": "input", "data": "echo READY-$((1+1))\r"}))
                await read_output_until(ws, "READY-2")
                fill(small_disk / "filler")
                flood = "head -c 300000 /dev/zero | tr '\\0' z; echo; echo FULL-$((40+2))\r"
                await ws.send(json.dumps({"type": "input", "data": flood}))
                messages = await read_output_until(ws, "FULL-42", timeout=TIMEOUT * 2)
                text = "".join(m.get("data", "") for m in messages)
                if FULL not in text:  # the note follows the first refused write, maybe late
                    messages = await read_output_until(ws, FULL, timeout=TIMEOUT * 2)
                    text += "".join(m.get("data", "") for m in messages)
                assert text.count("z") >= 300_000
                assert text.count(FULL) == 1
                worker = api.get(f"/api/sessions/{session['id']}").json()["session"]["workers"][0]
                assert worker["historyProblem"] == "history not being saved: disk full"
                refused = api.post(
                    "/api/sessions", json={"type": "quick", "locationPath": str(tmp_path)}
                )
                assert refused.status_code in (503, 507), refused.text
                assert "code" in refused.json() and "error" in refused.json()
                (small_disk / "filler").unlink()  # saving resumes on its own, output or not
                await read_output_until(ws, "history is being saved again", timeout=TIMEOUT * 2)
                await ws.send(json.dumps({"type": "input", "data": "echo BACK-$((3*3))\r"}))
                messages = await read_output_until(ws, "BACK-9", timeout=TIMEOUT * 2)
                end = messages[-1]["offset"]
                worker = api.get(f"/api/sessions/{session['id']}").json()["session"]["workers"][0]
                assert "historyProblem" not in worker
        raw = (small_disk / "data" / "logs" / f"{wid}.log").read_bytes()
        assert raw[16:].count(b"z") >= 300_000 and b"BACK-9" in raw[16:]
        assert int.from_bytes(raw[8:16], "big") + len(raw) - 16 >= end  # the prompt may follow
    finally:
        server.stop()
    host_log = (small_disk / "data" / "host.log").read_text()
    assert "Traceback" not in server.log() and "Traceback" not in host_log, (
        server.log()[-3000:] + host_log[-3000:]
    )
