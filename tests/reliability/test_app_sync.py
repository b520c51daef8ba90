"""Issue 9 item 2: /ws/app stays usable however big the state: the sessions-sync is always
delivered and sessions travel in a compact list form (long prompts cut, flagged, full text from
GET /api/sessions/{id}), with the rule that events applied to a sync give the next sync."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.harness import Message, recv, running

SESSIONS = 75
# 10,000 control characters: each is six in JSON (\\u0001), so the full prompts of 75 sessions
# make a 4.5 MB sync, above the 4 MiB a client's queue may hold.
PROMPT = "\x01" * 10_000


def apply(state: dict[str, dict[str, Any]], message: Message) -> None:
    """A client's reducer: what it does with each app message."""
    if message["type"] in ("session-created", "session-updated"):
        state[message["session"]["id"]] = message["session"]
    elif message["type"] == "session-deleted":
        state.pop(message["sessionId"], None)


async def test_a_huge_state_still_syncs_compactly(data_dir: Path, tmp_path: Path) -> None:
    """With 75 sessions holding 10 kB prompts, a client gets its sessions-sync (small, prompts cut
    and flagged), the full prompt is one GET away, and events applied to the sync equal the next
    sync even after a burst of request-syncs it did not read in between."""
    with running(data_dir, env={"SHELL": "/bin/sh"}) as server, server.http() as api:
        body = {"type": "quick", "locationPath": str(tmp_path), "initialPrompt": PROMPT}
        ids = [
            api.post("/api/sessions", json=body).json()["session"]["id"] for _ in range(SESSIONS)
        ]
        async with server.ws("/ws/app", max_size=None) as ws:
            raw = await ws.recv()
            sync = json.loads(raw)
            assert sync["type"] == "sessions-sync" and len(sync["sessions"]) == SESSIONS
            assert len(raw) < 1_000_000
            first = sync["sessions"][0]
            assert first["initialPromptTruncated"] is True
            assert PROMPT.startswith(first["initialPrompt"]) and first["initialPrompt"]
            full = api.get(f"/api/sessions/{first['id']}").json()["session"]
            assert full["initialPrompt"] == PROMPT and "initialPromptTruncated" not in full

            state = {s["id"]: s for s in sync["sessions"]}
            api.patch(f"/api/sessions/{ids[1]}", json={"title": "renamed"}).raise_for_status()
            api.delete(f"/api/sessions/{ids[2]}").raise_for_status()
            state = await follow(ws, state, lambda s: ids[2] not in s)
            assert state[ids[1]]["title"] == "renamed"
            for _ in range(20):  # syncs it does not read meanwhile: each replaces the last
                await ws.send(json.dumps({"type": "request-sync"}))
            api.patch(f"/api/sessions/{ids[3]}", json={"title": "later"}).raise_for_status()
            state = await follow(ws, state, lambda s: s[ids[3]].get("title") == "later")
            await ws.send(json.dumps({"type": "request-sync"}))
            message = await recv(ws)
            while message["type"] != "sessions-sync":
                apply(state, message)
                message = await recv(ws)
            assert state == {s["id"]: s for s in message["sessions"]}


async def follow(
    ws: Any, state: dict[str, dict[str, Any]], done: Callable[[dict[str, Any]], bool]
) -> dict[str, dict[str, Any]]:
    """Applies app messages as a client would (a sync replaces the state) until `done`."""
    while not done(state):
        message = await recv(ws)
        if message["type"] == "sessions-sync":
            state = {s["id"]: s for s in message["sessions"]}
        apply(state, message)
    return state
