"""Restarts: the server restarts without touching the work (the worker host keeps every process);
when the host itself dies, workers are relaunched with a marker line; `agent-console stop` ends
everything."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from agent_console.scrollback import HEADER
from agent_console.store import MIGRATIONS
from tests.harness import (
    Server,
    create_session,
    fake_agent_fields,
    read_output_until,
    read_until,
    recv,
)

FLOODERS = 5


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_dead(pid: int, timeout: float = 10) -> bool:
    """Waits (psutil polls the pid with a deadline) until the process is gone or a zombie."""
    try:
        _, left = psutil.wait_procs([psutil.Process(pid)], timeout=timeout)
    except psutil.NoSuchProcess:
        return True
    return not left or not alive(pid)


def log_bytes(server: Server, worker_id: str) -> bytes:
    """What the worker's output log holds (its start offset is 0 in these short tests)."""
    raw = (server.data_dir / "logs" / f"{worker_id}.log").read_bytes()
    assert int.from_bytes(raw[8:16], "big") == 0
    return raw[HEADER.size :]


class Reader:
    """A worker socket's client that keeps what it received and resumes from its offset."""

    def __init__(self, server: Server, session_id: str, worker_id: str) -> None:
        self.session_id, self.worker_id = session_id, worker_id
        self.text, self.offset = "", 0
        self.server = server

    async def read(self, needle: str, send: str | None = None, resume: bool = True) -> None:
        path = self.server.worker_path(self.session_id, self.worker_id, self.offset or None)
        async with self.server.ws(path, max_size=None) as ws:
            if send is not None:
                await ws.send(json.dumps({"type": "input", "data": send}))
            for message in await read_output_until(ws, needle, timeout=60):
                if message["type"] in ("history", "output"):
                    if message["type"] == "history":
                        assert message["startOffset"] == self.offset, "a resume lost bytes"
                        assert "lostBytes" not in message
                    self.text += message["data"]
                    self.offset = message["offset"]


async def start_work(server: Server, tmp_path: Path) -> tuple[list[Reader], Reader, dict[str, int]]:
    """Five terminals printing numbered lines for seconds, and a fake agent mid-turn."""
    with server.http() as api:
        agent = api.post("/api/agents", json=fake_agent_fields()).json()["agent"]
        sessions = [create_session(api, tmp_path, title=f"flood {n}") for n in range(FLOODERS)]
        agent_session = create_session(api, tmp_path, agentId=agent["id"])
    readers = [Reader(server, s["id"], s["workers"][0]["id"]) for s in sessions]
    for n, reader in enumerate(readers):
        flood = (
            f"for i in $(seq 1 300); do echo w{n}-line-$i-$(printf %080d $i); sleep 0.02; done;"
            f" echo DONE-{n}-$((6*7))\r"
        )
        await reader.read("w{n}-line-3-".replace("{n}", str(n)), send=flood)
    agent_reader = Reader(server, agent_session["id"], agent_session["workers"][0]["id"])
    await agent_reader.read("working 2\r\n", send="work 80\r")
    pids = {s["workers"][0]["id"]: s["workers"][0]["pid"] for s in [*sessions, agent_session]}
    return readers, agent_reader, pids


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
async def test_a_server_restart_is_invisible_to_the_work(
    data_dir: Path, tmp_path: Path, how: str
) -> None:
    """Stopping the server (kill -9 or SIGTERM) mid-flood and mid-turn: the same processes go
    on, output made meanwhile is kept, resumed streams are byte-exact against the logs, the
    agent finishes its turn without a relaunch."""
    server = Server(data_dir).start()
    try:
        readers, agent, pids = await start_work(server, tmp_path)
        server.stop(signal.Signals[how], keep_host=True)
        assert all(alive(pid) for pid in pids.values())
        server = Server(data_dir).start()
        for reader in [agent, *readers]:
            reader.server = server
        with server.http() as api:
            workers = [w for s in api.get("/api/sessions").json()["sessions"] for w in s["workers"]]
        assert {w["id"]: w["pid"] for w in workers} == pids
        assert all(w["status"] == "running" for w in workers)
        await asyncio.gather(*(r.read(f"DONE-{n}-42") for n, r in enumerate(readers)))
        await agent.read("working 79\r\nfake> ")
        for reader in [*readers, agent]:
            assert reader.text.encode() == log_bytes(server, reader.worker_id)[: reader.offset]
        assert agent.text.count("fake-agent started") == 1  # finished its turn, no relaunch
        assert "relaunched" not in agent.text + readers[0].text
    finally:
        server.stop()


async def activity_after_first_sync(server: Server) -> dict[str, str]:
    """Each agent's state in the app socket's first sessions-sync."""
    async with server.ws("/ws/app") as app:
        sync = (await read_until(app, lambda m: m["type"] == "sessions-sync"))[-1]
    return {a["workerId"]: a["activityState"] for a in sync["activityStates"]}


async def test_a_restarted_server_knows_at_once_which_agent_asks(
    data_dir: Path, tmp_path: Path
) -> None:
    """After kill -9 of the server, an agent that was asking is asking and an idle one idle in
    the first sync (from the screen the host kept), and the question can be answered."""
    server = Server(data_dir).start()
    try:
        with server.http() as api:
            agent = api.post("/api/agents", json=fake_agent_fields()).json()["agent"]
            session = create_session(api, tmp_path, agentId=agent["id"])
            sid = session["id"]
            api.post(f"/api/sessions/{sid}/workers", json={"type": "agent", "agentId": agent["id"]})
            asking, idle = [w["id"] for w in api.get(f"/api/sessions/{sid}").json()["session"][
                "workers"] if w["type"] == "agent"]  # fmt: skip
        for wid in (asking, idle):
            async with server.ws(server.worker_path(sid, wid)) as ws:
                await read_until(ws, lambda m: m["type"] == "activity" and m["state"] == "idle")
                if wid == asking:
                    await ws.send(json.dumps({"type": "input", "data": "ask\r"}))
                    await read_until(ws, lambda m: m.get("state") == "asking")
        server.stop(signal.SIGKILL, keep_host=True)
        server = Server(data_dir).start()
        assert await activity_after_first_sync(server) == {asking: "asking", idle: "idle"}
        async with server.ws(server.worker_path(sid, asking)) as ws:
            assert (await recv(ws))["type"] == "history"
            await ws.send(json.dumps({"type": "input", "data": "y\r"}))
            await read_output_until(ws, "answered 'y'")
    finally:
        server.stop()


async def prepare(server: Server, tmp_path: Path) -> tuple[dict[str, Any], int]:
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
        command = "nohup sleep 1000 >/dev/null 2>&1 & echo CHILD=$! END-$((2+3))\r"
        await ws.send(json.dumps({"type": "input", "data": command}))
        messages = await read_output_until(ws, "END-5")
    text = "".join(m.get("data", "") for m in messages)
    return session, int(re.search(r"CHILD=(\d+)", text).group(1))  # type: ignore[union-attr]


async def check_relaunched(server: Server, before: dict[str, Any]) -> None:
    """Same ids, new processes, a marker line where each was relaunched, the agent continued."""
    with server.http() as api:
        after = api.get(f"/api/sessions/{before['id']}").json()["session"]
    assert [w["id"] for w in after["workers"]] == [w["id"] for w in before["workers"]]
    assert after["title"] == "keep me" and after["createdAt"] == before["createdAt"]
    assert all(w["status"] == "running" for w in after["workers"])
    assert [w["pid"] for w in after["workers"]] != [w["pid"] for w in before["workers"]]
    term, agent = after["workers"]
    async with server.ws(server.worker_path(after["id"], term["id"])) as ws:
        text = "".join(m.get("data", "") for m in await read_output_until(ws, "relaunched"))
        assert "CHILD=" in text  # the history from before is still there, then the marker
        await ws.send(json.dumps({"type": "input", "data": "echo fresh-$((4*4))\r"}))
        await read_output_until(ws, "fresh-16")
    async with server.ws(server.worker_path(after["id"], agent["id"])) as ws:
        text = "".join(
            m.get("data", "") for m in await read_output_until(ws, "argv=['--continue']")
        )
        assert re.search(r"── relaunched after the worker host stopped · \d\d:\d\d ──", text)


async def test_a_killed_host_relaunches_every_worker_with_a_marker(
    data_dir: Path, tmp_path: Path
) -> None:
    """kill -9 of the worker host while the server runs: its leftovers are ended, agents are
    relaunched with their continue template, terminals as fresh shells, each with a marker."""
    server = Server(data_dir).start()
    try:
        before, child = await prepare(server, tmp_path)
        host = server.host_pid
        assert host is not None
        os.kill(host, signal.SIGKILL)
        assert wait_dead(child), "the SIGHUP-ignoring leftover was not ended"
        await check_relaunched(server, before)
        assert server.host_pid not in (None, host)
    finally:
        server.stop()


async def test_a_host_gone_while_the_server_was_down_relaunches_on_start(
    data_dir: Path, tmp_path: Path
) -> None:
    """Server and host both killed (a reboot, say): the next start ends leftovers of this boot
    and relaunches every worker with a marker line."""
    server = Server(data_dir).start()
    try:
        before, child = await prepare(server, tmp_path)
        host = server.host_pid
        assert host is not None
        server.kill(keep_host=True)
        os.kill(host, signal.SIGKILL)
        assert wait_dead(host)
        server = Server(data_dir).start()
        assert wait_dead(child), "leftover process was not ended on the next start"
        await check_relaunched(server, before)
    finally:
        server.stop()


def test_exited_workers_stay_exited(data_dir: Path, tmp_path: Path) -> None:
    """A worker that had exited before the restart is shown exited, not relaunched."""
    server = Server(data_dir).start()
    try:
        with server.http() as api:
            session = create_session(api, tmp_path)
        wid = session["workers"][0]["id"]

        async def end_it() -> None:
            async with server.ws(server.worker_path(session["id"], wid)) as ws:
                await recv(ws)
                await ws.send(json.dumps({"type": "input", "data": "exit 5\r"}))
                await read_until(ws, lambda m: m["type"] == "exit")

        asyncio.run(end_it())
        server.stop()
        server = Server(data_dir).start()
        with server.http() as api:
            worker = api.get(f"/api/sessions/{session['id']}").json()["session"]["workers"][0]
        assert worker["status"] == "exited" and worker["exitCode"] == 5
    finally:
        server.stop()


def test_an_exit_while_the_server_was_down_is_reported(data_dir: Path, tmp_path: Path) -> None:
    """A process that ends while no server runs is shown exited, with its code, afterwards."""
    server = Server(data_dir).start()
    try:
        with server.http() as api:
            session = create_session(api, tmp_path)
        worker = session["workers"][0]
        server.stop(keep_host=True)
        os.kill(worker["pid"], signal.SIGKILL)
        assert wait_dead(worker["pid"])
        server = Server(data_dir).start()
        with server.http() as api:
            after = api.get(f"/api/sessions/{session['id']}").json()["session"]["workers"][0]
        assert after["status"] == "exited" and after["signal"] == "SIGKILL"
    finally:
        server.stop()


def test_state_survives_in_sqlite(data_dir: Path, tmp_path: Path) -> None:
    """Custom agents persist; the database records its named migrations."""
    server = Server(data_dir).start()
    try:
        with server.http() as api:
            agent = api.post("/api/agents", json=fake_agent_fields("Persisted")).json()["agent"]
        server.stop()
        server = Server(data_dir).start()
        with server.http() as api:
            assert api.get(f"/api/agents/{agent['id']}").json()["agent"]["name"] == "Persisted"
        rows = sqlite3.connect(data_dir / "agent-console.db").execute("SELECT name FROM migrations")
        assert [r[0] for r in rows] == [name for name, _ in MIGRATIONS]
    finally:
        server.stop()


def test_ctrl_c_leaves_the_work_running_and_stop_ends_it(data_dir: Path, tmp_path: Path) -> None:
    """Ctrl-C (SIGINT) ends the server with 0 and leaves its workers to the host; `agent-console
    stop` then ends host and workers, and removes the socket."""
    server = Server(data_dir).start()
    with server.http() as api:
        pid = create_session(api, tmp_path)["workers"][0]["pid"]
    host = server.host_pid
    assert host is not None
    assert server.stop(signal.SIGINT, keep_host=True) == 0
    assert alive(pid) and alive(host)
    server.stop_host()
    assert wait_dead(pid) and wait_dead(host)
    assert not (data_dir / "host.sock").exists()


def test_stop_ends_a_running_server_too(data_dir: Path, tmp_path: Path) -> None:
    """`agent-console stop` with the server running: server, host and workers all end."""
    server = Server(data_dir).start()
    with server.http() as api:
        pid = create_session(api, tmp_path)["workers"][0]["pid"]
    server.stop_host()
    assert server.proc is not None and server.proc.poll() == 0  # stop waited for its exit
    assert server.stop() == 0 and wait_dead(pid)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.base_url}/api/health")
