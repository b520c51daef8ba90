"""Worker lifecycle races and leftovers against a real server: restart vs delete, double
restarts, what an exited shell left behind, and an agent whose continue command fails."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx
import psutil

from tests.harness import (
    FAKE_AGENT,
    Message,
    Server,
    create_session,
    output_text,
    read_output_until,
    read_until,
    recv,
)


def session_pids(session_leader: int) -> list[psutil.Process]:
    return [p for p in psutil.process_iter() if _sid(p) == session_leader]


def _sid(proc: psutil.Process) -> int | None:
    try:
        return int(Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[3])
    except (OSError, IndexError, ValueError):
        return None


async def test_restart_racing_delete_leaves_nothing(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A restart and a delete at once: the session is gone, no process survives, and no app
    message mentions the session after its session-deleted."""
    session = create_session(api, tmp_path)
    sid, wid = session["id"], session["workers"][0]["id"]
    async with (
        server.ws("/ws/app") as app,
        httpx.AsyncClient(base_url=server.base_url, headers=api.headers, timeout=30) as client,
    ):
        await recv(app)
        restart = client.post(f"/api/sessions/{sid}/workers/{wid}/restart", json={})
        delete = client.delete(f"/api/sessions/{sid}")
        results = await asyncio.gather(restart, delete)
        assert results[1].status_code == 200
        assert results[0].status_code in (200, 404)
        await read_until(
            app, lambda m: m.get("sessionId") == sid and m["type"] == "session-deleted"
        )
        await app.send(json.dumps({"type": "request-sync"}))
        after = await read_until(app, lambda m: m["type"] == "sessions-sync")
    assert not [m for m in after if m.get("session", {}).get("id") == sid]
    assert after[-1]["sessions"] == []
    assert not [p for p in psutil.process_iter() if _cwd(p) == str(tmp_path.resolve())]


def _cwd(proc: psutil.Process) -> str | None:
    try:
        return proc.cwd() if proc.status() != psutil.STATUS_ZOMBIE else None
    except psutil.Error:
        return None


async def test_two_restarts_at_once_both_finish(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Two concurrent restarts are serialised: both answer, one process runs afterwards."""
    session = create_session(api, tmp_path)
    sid, wid = session["id"], session["workers"][0]["id"]
    async with httpx.AsyncClient(
        base_url=server.base_url, headers=api.headers, timeout=30
    ) as client:
        first, second = await asyncio.gather(
            client.post(f"/api/sessions/{sid}/workers/{wid}/restart", json={}),
            client.post(f"/api/sessions/{sid}/workers/{wid}/restart", json={}),
        )
    assert first.status_code == second.status_code == 200
    worker = api.get(f"/api/sessions/{sid}").json()["session"]["workers"][0]
    pids = {first.json()["worker"]["pid"], second.json()["worker"]["pid"]}
    assert worker["status"] == "running" and worker["pid"] in pids and len(pids) == 2
    [old] = pids - {worker["pid"]}
    assert not psutil.pid_exists(old) or psutil.Process(old).status() == psutil.STATUS_ZOMBIE


async def test_what_an_exited_shell_left_behind_is_ended(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A shell that exits on its own leaves a nohup'd job; removing the worker ends it."""
    session = create_session(api, tmp_path)
    sid, wid = session["id"], session["workers"][0]["id"]
    async with server.ws(server.worker_path(sid, wid)) as ws:
        await recv(ws)
        await ws.send(
            json.dumps(
                {"type": "input", "data": "nohup sleep 777 >/dev/null 2>&1 & echo JOB=$!; exit\r"}
            )
        )
        messages = await read_until(ws, lambda m: m["type"] == "exit")
    job = int(re.search(r"JOB=(\d+)", output_text(messages)).group(1))  # type: ignore[union-attr]
    victim = psutil.Process(job)
    assert api.delete(f"/api/sessions/{sid}").status_code == 200
    _, alive = psutil.wait_procs([victim], timeout=10)
    assert not alive


async def test_failed_continue_starts_a_fresh_conversation(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """An agent whose continue command fails at once (claude --continue with nothing to
    continue) is launched anew with its ordinary command, and says so."""
    agent = api.post("/api/agents", json={"name": "Forgetful", "commandTemplate": f"{FAKE_AGENT} {{{{prompt}}}}",
                                          "continueTemplate": "sh -c 'echo nothing to continue; exit 1'"})  # fmt: skip
    session = create_session(api, tmp_path, agentId=agent.json()["agent"]["id"])
    sid, wid = session["id"], session["workers"][0]["id"]
    async with server.ws(server.worker_path(sid, wid)) as ws:
        await read_output_until(ws, "fake>")
        restarted = api.post(
            f"/api/sessions/{sid}/workers/{wid}/restart", json={"continueConversation": True}
        )
        assert restarted.status_code == 200
        text = output_text(await read_output_until(ws, "starting a new one"))
        assert "nothing to continue" in text
        await read_output_until(ws, "argv=[]")
    worker = api.get(f"/api/sessions/{sid}").json()["session"]["workers"][0]
    assert worker["status"] == "running"


async def test_a_process_that_left_the_workers_session_ends_with_the_worker(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """What a worker started that left its session (a daemon, like `codex app-server`) is
    found by the worker's mark in its environment and ended when the worker is removed."""
    session = create_session(api, tmp_path)
    sid, wid = session["id"], session["workers"][0]["id"]
    api.post(f"/api/sessions/{sid}/workers", json={"type": "terminal"})  # the session stays
    async with server.ws(server.worker_path(sid, wid)) as ws:
        await recv(ws)
        daemon = "setsid -f sh -c 'echo ESCAPED=$$; exec sleep 1000' >/dev/tty; echo DONE-$((3*3))"
        await ws.send(json.dumps({"type": "input", "data": daemon + "\r"}))
        text = ""

        def printed_pid(message: Message) -> bool:  # the typed line echoes `ESCAPED=$$` first
            nonlocal text
            text += output_text([message])
            return re.search(r"ESCAPED=\d+\r?\n", text) is not None

        await read_until(ws, printed_pid)
    pid = int(re.search(r"ESCAPED=(\d+)", text).group(1))  # type: ignore[union-attr]
    escaped = psutil.Process(pid)
    assert _sid(escaped) != session["workers"][0]["pid"]  # it did leave the worker's session
    assert api.delete(f"/api/sessions/{sid}/workers/{wid}").status_code == 200
    _, alive = psutil.wait_procs([escaped], timeout=10)
    assert not alive
