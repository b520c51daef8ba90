"""Whether a worker needs its user, against a real server (issue 12): asking, finished and
failed on the wire, kept across restarts, cleared by POST …/seen from any client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.harness import Message, Server, create_session, read_until, recv, running


def worker_of(api: httpx.Client, session_id: str) -> dict[str, Any]:
    worker: dict[str, Any] = api.get(f"/api/sessions/{session_id}").json()["session"]["workers"][0]
    return worker


def attention_is(kind: str | None, worker_id: str) -> Any:
    """A predicate: a worker-activity or session-updated message showing that attention."""

    def match(m: Message) -> bool:
        if m["type"] == "worker-activity" and m["workerId"] == worker_id:
            return bool(m["attention"] == kind)
        if m["type"] == "session-updated":
            return any(
                w["id"] == worker_id and w.get("attention") == kind for w in m["session"]["workers"]
            )
        return False

    return match


async def type_into(server: Server, session: dict[str, Any], text: str) -> None:
    path = server.worker_path(session["id"], session["workers"][0]["id"])
    async with server.ws(path) as ws:
        await ws.send(json.dumps({"type": "input", "data": text}))


async def test_asking_is_attention_until_answered(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """A question sets attention 'asking' with its start time (seeing it does not clear it);
    the answer clears it."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    wid = session["workers"][0]["id"]
    async with server.ws("/ws/app") as app:
        await recv(app)
        await type_into(server, session, "ask\r")
        [*_, asking] = await read_until(app, attention_is("asking", wid))
        assert asking["attentionSince"] == asking["stateChangedAt"]
        seen = api.post(f"/api/sessions/{session['id']}/workers/{wid}/seen", json={})
        assert seen.status_code == 200 and seen.json()["worker"]["attention"] == "asking"
        await type_into(server, session, "y\r")
        await read_until(app, attention_is(None, wid))


async def test_finished_turn_is_kept_across_a_restart_and_cleared_by_seen(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """Working → idle marks 'finished'; the mark survives a server restart; POST …/seen clears it
    for every app client."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    wid = session["workers"][0]["id"]
    async with server.ws("/ws/app") as app:
        await recv(app)
        await type_into(server, session, "work 30\r")
        [*_, done] = await read_until(app, attention_is("finished", wid))
    assert worker_of(api, session["id"])["attention"] == "finished"
    server.stop(keep_host=True)
    with running(server.data_dir) as restarted, restarted.http() as again:
        kept = worker_of(again, session["id"])
        assert (kept["attention"], kept["attentionSince"]) == ("finished", done["attentionSince"])
        async with restarted.ws("/ws/app") as app:
            sync = await recv(app)
            [listed] = [w for s in sync["sessions"] for w in s["workers"] if w["id"] == wid]
            assert listed["attention"] == "finished"
            cleared = again.post(f"/api/sessions/{session['id']}/workers/{wid}/seen", json={})
            assert "attention" not in cleared.json()["worker"]
            [*_, updated] = await read_until(app, lambda m: m["type"] == "session-updated")
            assert "attention" not in updated["session"]["workers"][0]
        assert "attention" not in worker_of(again, session["id"])


async def test_an_exit_with_an_error_fails_and_a_restart_clears_it(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A terminal exiting non-zero is 'failed' (one exiting cleanly needs nobody); restarting it
    clears the mark."""
    failing = create_session(api, tmp_path)
    clean = create_session(api, tmp_path)
    fid = failing["workers"][0]["id"]
    async with server.ws("/ws/app") as app:
        await recv(app)
        await type_into(server, failing, "exit 4\r")
        [*_, failed] = await read_until(app, attention_is("failed", fid))
        worker = next(w for w in failed["session"]["workers"] if w["id"] == fid)
        assert worker["exitCode"] == 4 and worker["attentionSince"] == worker["stateChangedAt"]
        await type_into(server, clean, "exit 0\r")
        cid = clean["workers"][0]["id"]
        [*_, exited] = await read_until(
            app, lambda m: m["type"] == "session-updated" and m["session"]["id"] == clean["id"]
        )
        assert exited["session"]["workers"][0]["status"] == "exited"
        assert "attention" not in worker_of(api, clean["id"]) and cid
        api.post(f"/api/sessions/{failing['id']}/workers/{fid}/restart", json={})
        await read_until(app, attention_is(None, fid))


async def test_seen_of_an_unknown_worker_is_a_404(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """POST …/seen names a worker that exists, else 404 WORKER_NOT_FOUND; nothing changes."""
    session = create_session(api, tmp_path)
    response = api.post(f"/api/sessions/{session['id']}/workers/nope/seen", json={})
    assert response.status_code == 404
    assert api.post("/api/sessions/nope/workers/nope/seen", json={}).status_code == 404


async def test_events_applied_to_a_sync_give_the_next_sync(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """A client patching workers from worker-activity and replacing sessions from
    session-updated holds the workers a fresh sync lists (attention, times, the activity's reason
    and question included)."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    wid = session["workers"][0]["id"]
    async with server.ws("/ws/app") as app:
        sync = await recv(app)
        held = {w["id"]: w for s in sync["sessions"] for w in s["workers"]}
        await type_into(server, session, "work 30\r")
        for message in await read_until(app, attention_is("finished", wid)):
            if message["type"] == "worker-activity":
                patch = {k: message[k] for k in ("attention", "attentionSince", "stateChangedAt")}
                patch |= {"activityReason": message["reason"], "question": message["question"]}
                held[wid] = {k: v for k, v in {**held[wid], **patch}.items() if v is not None}
            elif message["type"] == "session-updated":
                held.update({w["id"]: w for w in message["session"]["workers"]})
        await app.send(json.dumps({"type": "request-sync"}))
        [*_, fresh] = await read_until(app, lambda m: m["type"] == "sessions-sync")
    assert held == {w["id"]: w for s in fresh["sessions"] for w in s["workers"]}
