"""Messages queued for a busy agent: delivered in order, one each time it is idle, never into an
open question; editable and cancellable while they wait; kept across server restarts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.harness import (
    Server,
    create_session,
    fake_agent_fields,
    read_output_until,
    read_until,
    running,
)

Queue = list[dict[str, Any]]


def queue_path(session: dict[str, Any]) -> str:
    return f"/api/sessions/{session['id']}/workers/{session['workers'][0]['id']}/queue"


def queue_of(api: httpx.Client, session: dict[str, Any]) -> Queue:
    response = api.get(queue_path(session))
    assert response.status_code == 200, response.text
    queue: Queue = response.json()["queue"]
    return queue


def enqueue(api: httpx.Client, session: dict[str, Any], text: str) -> dict[str, Any]:
    response = api.post(queue_path(session), json={"text": text})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def agent_socket(server: Server, session: dict[str, Any]) -> Any:
    return server.ws(server.worker_path(session["id"], session["workers"][0]["id"]), max_size=None)


async def send(ws: Any, data: str) -> None:
    await ws.send(json.dumps({"type": "input", "data": data}))


async def until_state(ws: Any, state: str) -> None:
    await read_until(ws, lambda m: m["type"] == "activity" and m["state"] == state, timeout=30)


async def test_queued_messages_are_delivered_in_order_each_when_idle(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """Two messages queued while the agent works arrive one after the other, each once the agent
    is idle, with a marker line in its history; the queue then is empty."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    async with agent_socket(server, session) as ws:
        await read_output_until(ws, "fake> ")
        await send(ws, "work 40\r")
        await until_state(ws, "active")
        assert enqueue(api, session, "work 2")["delivered"] is False
        enqueue(api, session, "second message")
        assert [m["text"] for m in queue_of(api, session)] == ["work 2", "second message"]
        text = "".join(m.get("data", "") for m in await read_output_until(ws, "you said: second"))
    first = text.index("queued message delivered: work 2")
    assert text.index("working 39") < first
    assert text.index("working 1", first) < text.index("queued message delivered: second message")
    assert queue_of(api, session) == []


async def test_a_message_for_an_idle_agent_is_delivered_at_once(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """An agent that is idle already gets the message now; it never enters the queue."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    async with agent_socket(server, session) as ws:
        await until_state(ws, "idle")
        assert enqueue(api, session, "hello there")["delivered"] is True
        await read_output_until(ws, "you said: hello there")
    assert queue_of(api, session) == []


async def test_a_message_waits_a_quiet_period_after_an_enter(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """Just after the user pressed Enter the agent may not look busy yet: a message queued then
    waits for the quiet period before it is typed."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    async with agent_socket(server, session) as ws:
        await until_state(ws, "idle")
        await send(ws, "env HOME\r")
        await read_output_until(ws, "HOME=")
        assert enqueue(api, session, "right after")["delivered"] is False
        await read_output_until(ws, "you said: right after")


async def test_never_typed_into_an_open_question(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """A message queued while the agent asks waits until the question is answered and the agent
    is idle again: the question gets the user's answer, not the message."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    async with agent_socket(server, session) as ws:
        await read_output_until(ws, "fake> ")
        await send(ws, "ask\r")
        await until_state(ws, "asking")
        assert enqueue(api, session, "later please")["delivered"] is False
        await send(ws, "y\r")
        text = "".join(m.get("data", "") for m in await read_output_until(ws, "you said: later"))
    assert "answered 'y'" in text
    assert text.index("answered 'y'") < text.index("queued message delivered: later please")


async def test_edit_and_cancel_while_waiting(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """A waiting message can be edited (it keeps its place) or cancelled; what is delivered is
    what the queue held when the agent became idle; a delivered message can no longer change."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    async with agent_socket(server, session) as ws:
        await read_output_until(ws, "fake> ")
        await send(ws, "work 40\r")
        await until_state(ws, "active")
        first = enqueue(api, session, "first")["message"]
        second = enqueue(api, session, "second")["message"]
        edited = api.patch(f"{queue_path(session)}/{second['id']}", json={"text": "second edited"})
        assert edited.status_code == 200 and edited.json()["message"]["text"] == "second edited"
        assert api.delete(f"{queue_path(session)}/{first['id']}").json() == {"success": True}
        assert [m["text"] for m in queue_of(api, session)] == ["second edited"]
        text = "".join(m.get("data", "") for m in await read_output_until(ws, "you said: second"))
    assert "you said: second edited" in text and "you said: first" not in text
    late = api.patch(f"{queue_path(session)}/{second['id']}", json={"text": "too late"})
    assert late.status_code == 404 and late.json()["code"] == "NOT_FOUND"
    assert api.delete(f"{queue_path(session)}/{second['id']}").status_code == 404


@pytest.mark.parametrize(
    ("text", "says"),
    [("   ", "must not be empty"), ("a\x1b[A", "control characters"), ("x" * 10_001, "at most")],
)
def test_bad_messages_are_refused(
    api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path, text: str, says: str
) -> None:
    """An empty message, one with control characters (keys, not text) or one too long: 400."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    response = api.post(queue_path(session), json={"text": text})
    assert response.status_code == 400 and says in response.json()["error"]
    assert queue_of(api, session) == []


def test_only_agents_have_a_queue(api: httpx.Client, tmp_path: Path) -> None:
    """A terminal worker takes no queued message (400); an unknown worker is a 404."""
    session = create_session(api, tmp_path)
    response = api.post(queue_path(session), json={"text": "ls"})
    assert response.status_code == 400 and "only agent workers" in response.json()["error"]
    missing = api.get(f"/api/sessions/{session['id']}/workers/nope/queue")
    assert missing.status_code == 404


async def test_the_queue_is_on_the_worker_for_every_client(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """Each change of the queue is broadcast as session-updated, the worker carrying `queue`."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    async with server.ws("/ws/app") as app, agent_socket(server, session) as ws:
        await read_output_until(ws, "fake> ")
        await send(ws, "work 100\r")
        await until_state(ws, "active")
        enqueue(api, session, "next step")

        def queued(message: dict[str, Any]) -> bool:
            if message["type"] != "session-updated":
                return False
            queue = message["session"]["workers"][0].get("queue", [])
            return [m["text"] for m in queue] == ["next step"]

        await read_until(app, queued)
    worker = api.get(f"/api/sessions/{session['id']}").json()["session"]["workers"][0]
    assert [m["text"] for m in worker["queue"]] == ["next step"]


async def test_the_queue_survives_a_server_restart(data_dir: Path, tmp_path: Path) -> None:
    """Messages queued before a restart are still queued after it, and delivered once idle."""
    with running(data_dir) as server, server.http() as api:
        agent = api.post("/api/agents", json=fake_agent_fields()).json()["agent"]
        session = create_session(api, tmp_path, agentId=agent["id"])
        async with agent_socket(server, session) as ws:
            await read_output_until(ws, "fake> ")
            await send(ws, "work 120\r")
            await until_state(ws, "active")
            enqueue(api, session, "after the restart")
        server.stop(keep_host=True)
    with running(data_dir) as server, server.http() as api:
        assert [m["text"] for m in queue_of(api, session)] == ["after the restart"]
        async with agent_socket(server, session) as ws:
            await read_output_until(ws, "you said: after the restart", timeout=30)
        assert queue_of(api, session) == []
