"""The notifier on a real server: one webhook per real change with the question text, received
by a local HTTP receiver; the user's command gets the event on stdin and never the token; the
settings file is the UI's and the user's."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.harness import (
    TOKEN,
    Server,
    create_session,
    eventually_async,
    read_output_until,
    read_until,
    type_line,
)
from tests.receiver import Receiver


def configure(api: httpx.Client, **settings: Any) -> dict[str, Any]:
    response = api.put("/api/notifications", json=settings)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def answer(ws: Any, key: str) -> None:
    """Answers the fake agent's question (its `asking` already read) as a person types: the key,
    then Enter once it shows (so the answered line differs from the next question's)."""
    await ws.send(json.dumps({"type": "input", "data": key}))
    await read_output_until(ws, key)
    await ws.send(json.dumps({"type": "input", "data": "\r"}))


async def until_state(ws: Any, state: str) -> None:
    await read_until(ws, lambda m: m["type"] == "activity" and m["state"] == state, timeout=30)


async def test_one_webhook_per_change_with_the_question_text(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path,
    receiver: Receiver,
) -> None:  # fmt: skip
    """Asking, finishing, asking again: exactly one webhook each, in order, the asking ones with
    the question, each linking the worker's page and holding no token."""
    configure(api, webhookUrl=receiver.url)
    session = create_session(api, tmp_path, agentId=fake_agent["id"], title="notified")
    worker_id = session["workers"][0]["id"]
    async with server.worker_ws(session) as ws:
        await read_output_until(ws, "fake> ")
        await type_line(ws, "ask")
        asking = await receiver.event()
        await until_state(ws, "asking")
        await answer(ws, "y")
        finished = await receiver.event()
        await until_state(ws, "idle")
        await type_line(ws, "ask")
        again = await receiver.event()
    assert [asking["event"], finished["event"], again["event"]] == ["asking", "finished", "asking"]
    assert receiver.calls.empty()
    assert "Do you want to proceed?" in asking["question"]
    assert asking["title"] == "Fake is asking" and asking["sessionTitle"] == "notified"
    assert finished["question"] is None and finished["title"] == "Fake has finished"
    assert asking["url"] == f"{server.base_url}/sessions/{session['id']}/workers/{worker_id}"
    assert TOKEN not in json.dumps([asking, finished, again])


async def test_ntfy_and_slack_bodies(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path,
    receiver: Receiver,
) -> None:  # fmt: skip
    """ntfy gets the question as its message with title and click link as headers; Slack a text."""
    configure(api, webhookUrl=receiver.url, webhookFormat="ntfy", events=["asking"])
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    async with server.worker_ws(session) as ws:
        await read_output_until(ws, "fake> ")
        await type_line(ws, "ask")
        call = await receiver.call()
        assert call["body"].decode().startswith("Do you want to proceed?")
        assert call["headers"]["Title"] == "Fake is asking"
        assert call["headers"]["Click"].endswith(f"/workers/{session['workers'][0]['id']}")
        configure(api, webhookUrl=receiver.url, webhookFormat="slack", events=["asking"])
        await until_state(ws, "asking")
        await answer(ws, "n")
        await until_state(ws, "idle")
        await type_line(ws, "ask")
        text = (await receiver.event())["text"]
    assert text.startswith("*Fake is asking*\nDo you want to proceed?")


async def test_the_command_gets_the_event_and_never_the_token(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """The command reads the event's JSON on stdin; its environment holds no access token."""
    out = tmp_path / "event.json"
    configure(api, command=f"cat > {out}.part; env > {out}.env; mv {out}.part {out}")
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    async with server.worker_ws(session) as ws:
        await read_output_until(ws, "fake> ")
        await type_line(ws, "ask")
        await until_state(ws, "asking")
    await eventually_async(out.exists, what=f"{out} written by the command")
    event = json.loads(out.read_text())
    assert event["event"] == "asking" and "Do you want to proceed?" in event["question"]
    environment = Path(f"{out}.env").read_text()
    assert TOKEN not in environment and "AGENT_CONSOLE_TOKEN" not in environment


def test_settings_are_a_file_in_the_data_directory(
    server: Server, api: httpx.Client, receiver: Receiver
) -> None:
    """PUT writes notifications.json (0600); a hand edit is read at once; a broken file turns
    notifications off and says why."""
    configure(api, webhookUrl=receiver.url, events=["finished"])
    path = server.data_dir / "notifications.json"
    assert json.loads(path.read_text()) == {"webhookUrl": receiver.url, "webhookFormat": "json",
                                            "events": ["finished"]}  # fmt: skip
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_text(json.dumps({"command": "true", "events": ["asking"]}))
    status = api.get("/api/notifications").json()
    assert status["config"] == {"command": "true", "webhookFormat": "json", "events": ["asking"]}
    assert status["problem"] is None and status["defaultLinkBase"] == server.base_url
    path.write_text("{not json")
    status = api.get("/api/notifications").json()
    assert "notifications.json is not valid" in status["problem"]
    assert (
        status["config"]["events"] == ["asking", "finished"] and "command" not in status["config"]
    )


@pytest.mark.parametrize(
    "settings",
    [{"webhookUrl": "file:///etc/passwd"}, {"webhookFormat": "xml"}, {"events": ["always"]},
     {"unknown": 1}, {"linkBase": "javascript:alert(1)"}],
)  # fmt: skip
def test_bad_settings_are_refused(api: httpx.Client, settings: dict[str, Any]) -> None:
    """A webhook that is not http(s), an unknown format, event or field: 400, nothing saved."""
    response = api.put("/api/notifications", json=settings)
    assert response.status_code == 400, response.text
    assert api.get("/api/notifications").json()["config"] == {"webhookFormat": "json",
                                                              "events": ["asking", "finished"]}  # fmt: skip


def test_a_test_notification_reports_each_way(
    api: httpx.Client, receiver: Receiver, tmp_path: Path
) -> None:
    """The test button's call sends to each way given and says which failed and why."""
    good = api.post("/api/notifications/test", json={"webhookUrl": receiver.url, "command": "true"})
    assert good.json() == {"results": {"command": None, "webhook": None}}
    assert receiver.next_json()["event"] == "test"
    bad = api.post(
        "/api/notifications/test",
        json={"webhookUrl": "http://127.0.0.1:9/none", "command": "echo nope >&2; exit 3"},
    ).json()["results"]
    assert bad["command"] == "the command exited with 3: nope"
    assert bad["webhook"].startswith("the webhook cannot be reached")
    assert api.post("/api/notifications/test", json={}).status_code == 400


async def test_a_webhook_that_never_answers_holds_nothing_up(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """While a notice waits on a webhook that accepts and never answers, the agent's terminal
    and the API go on as before."""
    silent = socket.create_server(("127.0.0.1", 0))  # connections queue up, never answered
    try:
        configure(api, webhookUrl=f"http://127.0.0.1:{silent.getsockname()[1]}/")
        session = create_session(api, tmp_path, agentId=fake_agent["id"])
        async with server.worker_ws(session) as ws:
            await read_output_until(ws, "fake> ")
            await type_line(ws, "ask")
            await until_state(ws, "asking")
            await answer(ws, "y")
            await type_line(ws, "work 3")
            await read_output_until(ws, "working 2")
            assert api.get("/api/notifications").json()["lastSentAt"] is None  # still waiting
    finally:
        silent.close()
