"""The app socket against a real server (seed + SPEC §3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.harness import Message, Server, create_session, read_until, recv


def apply(state: dict[str, dict[str, Any]], message: Message) -> None:
    """What a client does with an app message: the reducer the SPEC describes."""
    if message["type"] in ("session-created", "session-updated"):
        state[message["session"]["id"]] = message["session"]
    elif message["type"] == "session-deleted":
        state.pop(message["sessionId"], None)


async def test_sync_first_then_every_change(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """sessions-sync comes first; applying later messages gives what a new sync gives."""
    existing = create_session(api, tmp_path)
    async with server.ws("/ws/app") as ws:
        sync = await recv(ws)
        assert sync["type"] == "sessions-sync"
        assert [s["id"] for s in sync["sessions"]] == [existing["id"]]
        state = {s["id"]: s for s in sync["sessions"]}

        created = create_session(api, tmp_path, title="second")
        msgs = await read_until(ws, lambda m: m["type"] == "session-created")
        sid = created["id"]
        worker = api.post(f"/api/sessions/{sid}/workers", json={"type": "terminal"}).json()[
            "worker"
        ]
        api.patch(f"/api/sessions/{sid}", json={"title": "renamed"})
        api.post(f"/api/sessions/{sid}/workers/{worker['id']}/restart", json={})
        api.delete(f"/api/sessions/{sid}/workers/{worker['id']}")
        api.delete(f"/api/sessions/{existing['id']}")
        msgs += await read_until(ws, lambda m: m["type"] == "session-deleted")
        for message in msgs:
            apply(state, message)
        await ws.send(json.dumps({"type": "request-sync"}))
        fresh = await read_until(ws, lambda m: m["type"] == "sessions-sync")
        assert state == {s["id"]: s for s in fresh[-1]["sessions"]}
        assert state[sid]["title"] == "renamed" and len(state[sid]["workers"]) == 1


async def test_worker_exit_is_broadcast(server: Server, api: httpx.Client, tmp_path: Path) -> None:
    """A worker that exits is broadcast as session-updated with its exit code."""
    session = create_session(api, tmp_path)
    wid = session["workers"][0]["id"]
    async with (
        server.ws("/ws/app") as app,
        server.ws(server.worker_path(session["id"], wid)) as term,
    ):
        await recv(app)
        await recv(term)
        await term.send(json.dumps({"type": "input", "data": "exit 3\r"}))

        def exited(m: Message) -> bool:
            return bool(
                m["type"] == "session-updated" and m["session"]["workers"][0]["status"] == "exited"
            )

        update = (await read_until(app, exited))[-1]
        assert update["session"]["workers"][0]["exitCode"] == 3


async def test_request_sync_answers_only_the_asker(server: Server, api: httpx.Client) -> None:
    """request-sync is answered to the asking client only; bad messages get INVALID_MESSAGE."""
    async with server.ws("/ws/app") as a, server.ws("/ws/app") as b:
        await recv(a), await recv(b)
        await a.send(json.dumps({"type": "request-sync"}))
        assert (await recv(a))["type"] == "sessions-sync"
        await b.send("not json")
        error = await recv(b)
        assert error["type"] == "error" and error["code"] == "INVALID_MESSAGE"
        await b.send(json.dumps({"type": "request-sync"}))
        assert (await recv(b))["type"] == "sessions-sync"


async def test_activity_states_and_broadcasts(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """sessions-sync lists each agent worker's activity; changes arrive as worker-activity, with
    the reason and, while asking, the question."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    wid = session["workers"][0]["id"]
    async with server.ws("/ws/app") as ws:
        sync = await recv(ws)
        assert [(a["sessionId"], a["workerId"]) for a in sync["activityStates"]] == [
            (session["id"], wid)
        ]
        await read_until(
            ws, lambda m: m["type"] == "worker-activity" and m["activityState"] == "idle"
        )
        async with server.ws(server.worker_path(session["id"], wid)) as term:
            await term.send(json.dumps({"type": "input", "data": "ask\r"}))
            wanted = {"type": "worker-activity", "sessionId": session["id"], "workerId": wid,
                      "activityState": "asking", "attention": "asking"}  # fmt: skip
            asked = await read_until(ws, lambda m: {k: m.get(k) for k in wanted} == wanted)
    assert asked[-1]["reason"] == "screen:pattern 1"
    question = asked[-1]["question"]
    assert (question["text"], question["kind"]) == ("Do you want to proceed?", "permission")
    assert question["choices"] == ["Yes", "No"] and question["source"] == "screen"
