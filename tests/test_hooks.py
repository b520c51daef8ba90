"""Structured signals against a real server: hook calls through `agent-console hook` (the fake
agent runs it), window titles and OSC 7501 in the output, each state change with its reason, the
question as data, the CLI's own session id, and hook calls that must change nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.harness import (
    FAKE_AGENT,
    Message,
    Server,
    create_session,
    fake_agent_fields,
    read_output_until,
    read_until,
)


def hooked_agent(api: httpx.Client) -> dict[str, Any]:
    """The fake agent, running its hooks with this interpreter."""
    fields = fake_agent_fields(
        "Hooked", commandTemplate=f"{FAKE_AGENT} --hook-python {sys.executable} {{{{prompt}}}}"
    )
    response = api.post("/api/agents", json=fields)
    assert response.status_code == 201, response.text
    return response.json()["agent"]  # type: ignore[no-any-return]


def activity(state: str, reason: str | None = None) -> Any:
    def matches(message: Message) -> bool:
        return (
            message["type"] == "worker-activity"
            and message["activityState"] == state
            and (reason is None or message["reason"] == reason)
        )

    return matches


async def test_hook_calls_drive_the_state_with_their_reasons(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """UserPromptSubmit makes the agent active and Stop idle at once (no quiet period), each
    change with its reason, and GET …/activity lists them."""
    session = create_session(api, tmp_path, agentId=hooked_agent(api)["id"])
    sid, wid = session["id"], session["workers"][0]["id"]
    async with server.ws("/ws/app") as app, server.ws(server.worker_path(sid, wid)) as term:
        await read_until(app, activity("idle"))
        await term.send(json.dumps({"type": "input", "data": "hook UserPromptSubmit\r"}))
        await read_until(app, activity("active", "hook:UserPromptSubmit"))
        await term.send(json.dumps({"type": "input", "data": "hook Stop\r"}))
        await read_until(app, activity("idle", "hook:Stop"))
    body = api.get(f"/api/sessions/{sid}/workers/{wid}/activity").json()
    assert (body["state"], body["reason"], body["structured"]) == ("idle", "hook:Stop", True)
    reasons = [(c["state"], c["reason"]) for c in body["changes"]]
    assert reasons[-2:] == [("active", "hook:UserPromptSubmit"), ("idle", "hook:Stop")]


async def test_a_permission_hook_asks_with_the_tool_and_its_command(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """PermissionRequest puts the worker in asking with the question as data (the tool and its
    command) in worker-activity and on the worker in GET /api/sessions; the hook waits for a
    decision until the user answers at the terminal, then exits printing nothing."""
    session = create_session(api, tmp_path, agentId=hooked_agent(api)["id"])
    sid, wid = session["id"], session["workers"][0]["id"]
    async with server.ws("/ws/app") as app, server.ws(server.worker_path(sid, wid)) as term:
        await read_until(app, activity("idle"))
        ask = "waithook PermissionRequest tool_name=Bash tool_input.command=touch+marker.txt\r"
        await term.send(json.dumps({"type": "input", "data": ask}))
        asked = (await read_until(app, activity("asking", "hook:PermissionRequest")))[-1]
        question = asked["question"]
        assert (question["kind"], question["tool"], question["command"]) == (
            "permission", "Bash", "touch marker.txt"
        )  # fmt: skip
        assert question["text"] == "Allow Bash: touch marker.txt?"
        listed = api.get("/api/sessions").json()["sessions"][0]["workers"][0]
        assert listed["question"] == question and listed["activityReason"] == asked["reason"]
        await term.send(json.dumps({"type": "input", "data": "\r"}))  # answered at the terminal
        await read_until(app, activity("active", "input:answer"))
        await read_output_until(term, "hook said: (nothing)")
    assert "question" not in api.get("/api/sessions").json()["sessions"][0]["workers"][0]


async def test_titles_and_osc_7501_are_signals(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """A spinner title says working, Claude Code's ✳ title idle, and Codex's OSC 7501
    `blocked` asking — for any agent that prints them, a custom one included."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    sid, wid = session["id"], session["workers"][0]["id"]
    async with server.ws("/ws/app") as app, server.ws(server.worker_path(sid, wid)) as term:
        await read_until(app, activity("idle"))
        await term.send(json.dumps({"type": "input", "data": "title ⠋ Working\r"}))
        await read_until(app, activity("active", "title"))
        await term.send(json.dumps({"type": "input", "data": "osc blocked:kind=permission\r"}))
        asked = (await read_until(app, activity("asking", "osc:7501 blocked")))[-1]
        assert asked["question"]["kind"] == "permission"
        await term.send(json.dumps({"type": "input", "data": "osc working\r"}))
        await read_until(app, activity("active"))
        await term.send(json.dumps({"type": "input", "data": "title ✳ Fake\r"}))
        await read_until(app, activity("idle", "title"))


async def test_a_custom_agent_without_signals_keeps_screen_detection(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """No hooks, no titles: the screen decides as before — its question by pattern, idle after
    the quiet period, each with its reason."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    sid, wid = session["id"], session["workers"][0]["id"]
    async with server.ws("/ws/app") as app, server.ws(server.worker_path(sid, wid)) as term:
        await read_until(app, activity("idle", "quiet 2 s"))
        await term.send(json.dumps({"type": "input", "data": "work 40\r"}))
        await read_until(app, activity("active", "output"))
        await read_until(app, activity("idle", "quiet 2 s"))
        await term.send(json.dumps({"type": "input", "data": "ask\r"}))
        await read_until(app, activity("asking", "screen:pattern 1"))
    body = api.get(f"/api/sessions/{sid}/workers/{wid}/activity").json()
    assert body["structured"] is False


async def test_the_cli_session_id_is_kept(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """SessionStart names the CLI's own conversation: the worker keeps it (agentSessionId)."""
    session = create_session(api, tmp_path, agentId=hooked_agent(api)["id"])
    sid, wid = session["id"], session["workers"][0]["id"]
    async with server.ws("/ws/app") as app, server.ws(server.worker_path(sid, wid)) as term:
        await read_until(app, activity("idle"))
        await term.send(
            json.dumps({"type": "input", "data": "hook SessionStart session_id=abc-1\r"})
        )
        await read_until(
            app,
            lambda m: (
                m["type"] == "session-updated"
                and m["session"]["workers"][0].get("agentSessionId") == "abc-1"
            ),
        )
