"""Structured signals against a real server: hook calls through `agent-console hook` (the fake
agent runs it), window titles and OSC 7501 in the output, each state change with its reason, the
question as data, the CLI's own session id, and hook calls that must change nothing."""

from __future__ import annotations

import json
import os
import sys
import time
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
    recv,
    running,
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
        await read_output_until(term, "working 39")  # unread, it would hold up the close 10 s
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


async def hook_route(server: Server, sid: str, wid: str) -> dict[str, str]:
    """The worker's hook route and secret, as its own environment holds them."""
    async with server.ws(server.worker_path(sid, wid)) as term:
        assert (await recv(term))["type"] == "history"  # what an earlier launch printed
        await term.send(json.dumps({"type": "input", "data": "env AGENT_CONSOLE_HOOK\r"}))
        messages = await read_output_until(term, "}\r\n")
    text = "".join(m.get("data", "") for m in messages)
    value = text.split("AGENT_CONSOLE_HOOK=", 1)[1].split("\r\n", 1)[0]
    return json.loads(value)  # type: ignore[no-any-return]


def post(server: Server, hook: dict[str, str], event: str, at: float) -> httpx.Response:
    body = {"agent": "claude", "event": event, "at": at, "data": {"hook_event_name": event}}
    with server.http(token=hook["secret"]) as client:
        return client.post(hook["route"], json=body)


async def test_late_repeated_and_dead_hook_calls_change_nothing(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """With the worker's own secret: a repeated Stop, a PreToolUse dated before it, a call of
    the launch before a restart, and a call for a removed worker are all answered
    `applied: false`, and the state stays as it was."""
    session = create_session(api, tmp_path, agentId=hooked_agent(api)["id"])
    sid, wid = session["id"], session["workers"][0]["id"]
    hook = await hook_route(server, sid, wid)
    now = time.time()  # each call is dated when its hook started: here, in the recent past
    assert post(server, hook, "UserPromptSubmit", now - 3).json() == {"applied": True}
    assert post(server, hook, "Stop", now - 2).json() == {"applied": True}
    assert post(server, hook, "Stop", now - 1).json() == {"applied": False}
    assert post(server, hook, "PreToolUse", now - 2.5).json() == {"applied": False}
    body = api.get(f"/api/sessions/{sid}/workers/{wid}/activity").json()
    assert (body["state"], body["reason"]) == ("idle", "hook:Stop")
    assert [s["taken"] for s in body["signals"]] == [True, True, False, False]
    restarted = api.post(f"/api/sessions/{sid}/workers/{wid}/restart", json={})
    assert restarted.status_code == 200, restarted.text
    assert post(server, hook, "UserPromptSubmit", time.time()).json() == {"applied": False}
    fresh = await hook_route(server, sid, wid)
    assert fresh["route"] != hook["route"]
    assert post(server, fresh, "UserPromptSubmit", time.time()).json() == {"applied": True}
    assert api.delete(f"/api/sessions/{sid}/workers/{wid}").status_code == 200
    assert post(server, fresh, "Stop", time.time()).json() == {"applied": False}


async def test_claude_code_gets_its_hooks_and_resumes_its_own_conversation(
    tmp_path: Path,
) -> None:
    """The built-in Claude Code (here the fake agent named `claude`) starts with `--settings`
    holding this package's hook command; after SessionStart named its conversation, a restart
    that continues resumes exactly that one (`--resume <id>`)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "claude").symlink_to(FAKE_AGENT)
    (bin_dir / "agent-console").symlink_to(Path(sys.executable).parent / "agent-console")
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}
    with running(tmp_path / "data", env=env) as server, server.http() as api:
        session = create_session(api, tmp_path, agentId="claude-code", initialPrompt="hello")
        sid, wid = session["id"], session["workers"][0]["id"]
        async with server.ws(server.worker_path(sid, wid)) as term:
            started = await read_output_until(term, "fake> ")
            argv = (
                "".join(m.get("data", "") for m in started).split("argv=", 1)[1].split(" cwd=")[0]
            )
            assert argv.startswith("['--settings', '") and argv.endswith("'hello']")
            settings = json.loads(Path(argv.split("'")[3]).read_text())
            command = settings["hooks"]["SessionStart"][0]["hooks"][0]["command"]
            assert command.endswith("-m agent_console hook claude")
            await term.send(
                json.dumps({"type": "input", "data": "hook SessionStart session_id=conv-7\r"})
            )
            await read_output_until(term, "hook said")
        restarted = api.post(f"/api/sessions/{sid}/workers/{wid}/restart",
                             json={"continueConversation": True}).json()["worker"]  # fmt: skip
        assert restarted["agentSessionId"] == "conv-7"
        async with server.ws(server.worker_path(sid, wid)) as term:
            await read_output_until(term, "'--resume', 'conv-7'")
