"""POST …/workers/{wid}/answer against a real server and the fake agent: the answer goes as the
waiting permission hook's decision when there is one, else as the keys the question takes; an
answer to a question no longer open is a 409; each answer leaves a marker line in the history."""

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
    output_text,
    read_output_until,
    read_until,
    type_line,
)


def asking(message: Message) -> bool:
    return bool(message["type"] == "activity" and message["state"] == "asking")


def answer_path(session: dict[str, Any]) -> str:
    return f"/api/sessions/{session['id']}/workers/{session['workers'][0]['id']}/answer"


async def test_a_waiting_permission_hook_gets_the_decision(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Allow on a question a PermissionRequest hook waits on is that hook's decision (via
    "hook"): the CLI gets it as hook output; a second answer is a 409; a marker line says what
    was answered."""
    fields = fake_agent_fields(
        "Hooked", commandTemplate=f"{FAKE_AGENT} --hook-python {sys.executable} {{{{prompt}}}}"
    )
    agent = api.post("/api/agents", json=fields).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"])
    async with server.worker_ws(session) as ws:
        await read_output_until(ws, "fake> ")
        await type_line(ws, "waithook PermissionRequest tool_name=Bash tool_input.command=ls")
        question = (await read_until(ws, asking))[-1]["question"]
        sent = {"questionId": question["id"], "decision": "allow"}
        response = api.post(answer_path(session), json=sent)
        assert response.status_code == 200, response.text
        assert response.json() == {"via": "hook", "questionId": question["id"], "answered": "Allow"}
        text = output_text(await read_output_until(ws, '"allow"}}}'))
        if "(via the CLI's permission hook)" not in text:  # before or after the hook's output
            text += output_text(await read_output_until(ws, "(via the CLI's permission hook)"))
        said = json.loads(text[text.index("hook said: ") + 11 :].splitlines()[0])
        assert said["hookSpecificOutput"]["decision"] == {"behavior": "allow"}
        assert "answered from the console at " in text and ": Allow (via the CLI's" in text
        again = api.post(answer_path(session), json=sent)
        assert again.status_code == 409, again.text


async def test_a_screen_question_gets_its_keys(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """Without a waiting hook the answer is typed as the question takes it ("n", Enter for a
    `(y/n)` prompt); an answer naming an older question, or given when none is open, is a 409;
    an answer that is not exactly one of choice, decision or text is a 400; the marker is an
    out-of-band note, not a line on the running agent's screen."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    async with server.worker_ws(session) as ws:
        await read_output_until(ws, "fake> ")
        await type_line(ws, "ask")
        question = (await read_until(ws, asking))[-1]["question"]
        assert (question["kind"], question["choices"]) == ("permission", ["Yes", "No"])
        both = api.post(answer_path(session), json={"choice": 1, "decision": "allow"})
        assert both.status_code == 400, both.text
        stale = api.post(answer_path(session), json={"questionId": "older", "choice": 1})
        assert stale.status_code == 409, stale.text
        response = api.post(answer_path(session), json={"decision": "deny"})
        assert response.status_code == 200, response.text
        assert response.json()["via"] == "keys" and response.json()["answered"] == "No"
        text = output_text(await read_output_until(ws, "answered 'n'"))
        if "(via keys)" not in text:  # the marker may come before or after the agent's reply
            text += output_text(await read_output_until(ws, "(via keys)"))
        # Off the agent's grid (an OSC the browser shows beside the line): a line written into
        # a running TUI's picture would move its cursor and garble every later frame.
        assert "\x1b]6973;[agent-console] answered from the console at " in text
        assert "\r\n\x1b[33m[agent-console] answered" not in text
    closed = api.post(answer_path(session), json={"questionId": question["id"], "choice": 1})
    assert closed.status_code == 409, closed.text
