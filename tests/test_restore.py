"""Server restarts: everything comes back with the same ids, histories continue, nothing leaks."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path
from typing import Any

import psutil

from agent_console.store import MIGRATIONS
from tests.harness import Server, create_session, fake_agent_fields, read_output_until, recv


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_dead(pid: int, timeout: float = 10) -> bool:
    """Waits (psutil polls the pid with a deadline) until the process is gone or a zombie."""
    try:
        proc = psutil.Process(pid)
        _, alive_left = psutil.wait_procs([proc], timeout=timeout)
    except psutil.NoSuchProcess:
        return True
    return not alive_left or not alive(pid)


async def prepare(server: Server, tmp_path: Path) -> tuple[dict[str, Any], int, int]:
    """A session with a terminal (that started a SIGHUP-ignoring child) and a fake agent."""
    with server.http() as api:
        agent = api.post("/api/agents", json=fake_agent_fields()).json()["agent"]
        session = create_session(api, tmp_path, title="keep me")
        sid = session["id"]
        api.post(f"/api/sessions/{sid}/workers", json={"type": "agent", "agentId": agent["id"]})
        session = api.get(f"/api/sessions/{sid}").json()["session"]
    term = session["workers"][0]["id"]
    async with server.ws(server.worker_path(sid, term)) as ws:
        await recv(ws)
        await ws.send(
            json.dumps(
                {"type": "input", "data": "nohup sleep 1000 >/dev/null 2>&1 & echo CHILD=$!\r"}
            )
        )
        await read_output_until(ws, "\nCHILD=")
        await ws.send(json.dumps({"type": "input", "data": "echo ready-$((3+4))\r"}))
        await read_output_until(ws, "ready-7")
    async with server.ws(server.worker_path(sid, term)) as ws:
        history = await recv(ws)
    child = int(re.search(r"CHILD=(\d+)", history["data"]).group(1))  # type: ignore[union-attr]
    return session, child, history["offset"]


async def check_restored(server: Server, before: dict[str, Any], offset: int) -> None:
    with server.http() as api:
        after = api.get(f"/api/sessions/{before['id']}").json()["session"]
    assert [w["id"] for w in after["workers"]] == [w["id"] for w in before["workers"]]
    assert after["title"] == "keep me" and after["createdAt"] == before["createdAt"]
    assert all(w["status"] == "running" for w in after["workers"])
    term, agent = after["workers"]
    async with server.ws(server.worker_path(after["id"], term["id"], offset)) as ws:
        history = await recv(ws)
        assert history["startOffset"] == offset
        await ws.send(json.dumps({"type": "input", "data": "echo fresh-$((4*4))\r"}))
        await read_output_until(ws, "fresh-16")
    async with server.ws(server.worker_path(after["id"], agent["id"])) as ws:
        await read_output_until(ws, "argv=['--continue']")


async def test_clean_restart_restores_everything(data_dir: Path, tmp_path: Path) -> None:
    """SIGTERM ends every process group and exits 0; a new server brings all back."""
    server = Server(data_dir).start()
    try:
        before, child, offset = await prepare(server, tmp_path)
        pids = [w["pid"] for w in before["workers"]]
        assert server.stop(signal.SIGTERM) == 0
        for pid in [*pids, child]:
            assert wait_dead(pid), f"process {pid} survived the shutdown"
        server = Server(data_dir).start()
        await check_restored(server, before, offset)
    finally:
        server.stop()


async def test_restart_after_kill_9_ends_leftovers(data_dir: Path, tmp_path: Path) -> None:
    """After kill -9 of the server, the next start ends leftover processes and restores sessions."""
    server = Server(data_dir).start()
    try:
        before, child, offset = await prepare(server, tmp_path)
        server.kill()
        assert alive(child), "the SIGHUP-ignoring child should outlive a killed server"
        server = Server(data_dir).start()
        assert wait_dead(child), "leftover process was not ended on the next start"
        await check_restored(server, before, offset)
    finally:
        server.stop()


def test_exited_workers_stay_exited(data_dir: Path, tmp_path: Path) -> None:
    """A worker that had exited before the restart is shown exited, not relaunched."""
    import asyncio

    server = Server(data_dir).start()
    try:
        with server.http() as api:
            session = create_session(api, tmp_path)
        wid = session["workers"][0]["id"]

        async def end_it() -> None:
            async with server.ws(server.worker_path(session["id"], wid)) as ws:
                await recv(ws)
                await ws.send(json.dumps({"type": "input", "data": "exit 5\r"}))
                while (await recv(ws))["type"] != "exit":
                    pass

        asyncio.run(end_it())
        server.stop()
        server = Server(data_dir).start()
        with server.http() as api:
            worker = api.get(f"/api/sessions/{session['id']}").json()["session"]["workers"][0]
        assert worker["status"] == "exited" and worker["exitCode"] == 5
    finally:
        server.stop()


def test_state_survives_in_sqlite(data_dir: Path, tmp_path: Path) -> None:
    """Custom agents persist; the database records its named migrations."""
    import sqlite3

    server = Server(data_dir).start()
    try:
        with server.http() as api:
            agent = api.post("/api/agents", json=fake_agent_fields("Persisted")).json()["agent"]
        server.stop()
        server = Server(data_dir).start()
        with server.http() as api:
            assert api.get(f"/api/agents/{agent['id']}").json()["agent"]["name"] == "Persisted"
        names = [
            r[0]
            for r in sqlite3.connect(data_dir / "agent-console.db").execute(
                "SELECT name FROM migrations"
            )
        ]
        assert names == [name for name, _ in MIGRATIONS]
    finally:
        server.stop()


def test_sigint_ends_everything_and_exits_0(data_dir: Path, tmp_path: Path) -> None:
    """Ctrl-C (SIGINT) is a clean shutdown too: exit 0, every worker process gone."""
    server = Server(data_dir).start()
    with server.http() as api:
        session = create_session(api, tmp_path)
    pid = session["workers"][0]["pid"]
    assert server.stop(signal.SIGINT) == 0
    assert wait_dead(pid)
