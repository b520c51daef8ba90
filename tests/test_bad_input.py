"""Bad input (SPEC §5): a clear error, the socket stays open, nothing reaches the PTY."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from agent_console.config import Limits
from tests.harness import Server, create_session, output_text, read_output_until, read_until, recv

BAD_WORKER_MESSAGES: list[tuple[str, str]] = [
    ("not json {", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('"text"', "JSON object"),
    ("{}", "type"),
    ('{"type": 5}', "type"),
    ('{"type": "launch-missiles"}', "unknown message type"),
    ('{"type": "input"}', "data"),
    ('{"type": "input", "data": 42}', "data"),
    ('{"type": "resize", "cols": 0, "rows": 10}', "cols"),
    ('{"type": "resize", "cols": 80, "rows": 1001}', "rows"),
    ('{"type": "resize", "cols": "80", "rows": 24}', "cols"),
    ('{"type": "resize", "cols": 80.5, "rows": 24}', "cols"),
    ('{"type": "resize", "cols": 80}', "rows"),
    ('{"type": "image", "data": "!!!not-base64", "mimeType": "image/png"}', "base64"),
    ('{"type": "image", "data": "aGVsbG8=", "mimeType": "text/html"}', "mimeType"),
    ('{"type": "image", "data": "aGVsbG8="}', "mimeType"),
    ('{"type": "image", "data": "", "mimeType": "image/png"}', "empty"),
    ("[" * 100_000 + "]" * 100_000, "JSON"),
    ('{"type": "resize", "cols": 1' + "0" * 5000 + ', "rows": 1}', "JSON"),
]


async def test_bad_worker_messages(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """Each malformed worker message gets INVALID_MESSAGE; the agent then sees only clean input."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    path = server.worker_path(session["id"], session["workers"][0]["id"])
    async with server.ws(path) as ws:
        await read_output_until(ws, "fake> ")
        for raw, words in BAD_WORKER_MESSAGES:
            await ws.send(raw)
            error = (await read_until(ws, lambda m: m["type"] == "error"))[-1]
            assert error["code"] == "INVALID_MESSAGE", raw[:80]
            assert words.lower() in error["message"].lower(), (raw[:80], error)
        await ws.send(json.dumps({"type": "input", "data": "probe\r"}))
        text = output_text(await read_output_until(ws, "you said: probe\r\n"))
        assert "you said: probe\r\n" in text and text.count("you said") == 1


async def test_oversized_image_is_refused(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """An image one byte over the cap in a frame under the message cap is INVALID_MESSAGE;
    nothing saved."""
    session = create_session(api, tmp_path)
    path = server.worker_path(session["id"], session["workers"][0]["id"])
    async with server.ws(path) as ws:
        await recv(ws)
        big = base64.b64encode(b"\0" * (Limits().image_bytes + 1)).decode()
        await ws.send(json.dumps({"type": "image", "data": big, "mimeType": "image/gif"}))
        error = (await read_until(ws, lambda m: m["type"] == "error"))[-1]
        assert error["code"] == "INVALID_MESSAGE" and "larger than" in error["message"]
        await ws.send(json.dumps({"type": "input", "data": "echo alive-$((2+2))\r"}))
        await read_output_until(ws, "alive-4")
    assert not (server.data_dir / "images").exists()


async def test_resize_out_of_range_changes_nothing(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A refused resize leaves the PTY size as it was."""
    session = create_session(api, tmp_path)
    async with server.ws(server.worker_path(session["id"], session["workers"][0]["id"])) as ws:
        await recv(ws)
        await ws.send(json.dumps({"type": "resize", "cols": 100, "rows": 30}))
        await ws.send(json.dumps({"type": "resize", "cols": 100000, "rows": -1}))
        await ws.send(json.dumps({"type": "input", "data": "stty size\r"}))
        await read_output_until(ws, "30 100")


@pytest.mark.parametrize(
    ("path_kind", "cap"), [("worker", Limits().worker_message_bytes), ("app", 64 * 1024)]
)
async def test_message_over_cap_closes_1009(
    server: Server, api: httpx.Client, tmp_path: Path, path_kind: str, cap: int
) -> None:
    """A message over the size cap closes that socket with 1009; the server and worker live on."""
    session = create_session(api, tmp_path)
    wid = session["workers"][0]["id"]
    path = server.worker_path(session["id"], wid) if path_kind == "worker" else "/ws/app"
    async with server.ws(path, max_size=None) as ws:
        await recv(ws)
        with pytest.raises(ConnectionClosed) as closed:  # the close may come while still sending
            await ws.send(json.dumps({"type": "input", "data": "x" * (cap + 10)}))
            while True:
                await recv(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    async with server.ws(server.worker_path(session["id"], wid)) as ws:
        await recv(ws)
        await ws.send(json.dumps({"type": "input", "data": "echo still-$((9*9))\r"}))
        text = output_text(await read_output_until(ws, "still-81"))
        assert "xxxx" not in text


async def test_bad_app_messages(server: Server) -> None:
    """The app socket answers malformed messages with INVALID_MESSAGE and keeps working."""
    async with server.ws("/ws/app") as ws:
        await recv(ws)
        for raw in [
            "nope",
            "[]",
            "{}",
            '{"type": "input", "data": "x"}',
            '{"type": 1}',
            "[" * 50_000,
        ]:
            await ws.send(raw)
            error = await recv(ws)
            assert error["type"] == "error" and error["code"] == "INVALID_MESSAGE", raw[:40]
        await ws.send(json.dumps({"type": "request-sync"}))
        assert (await recv(ws))["type"] == "sessions-sync"


def test_bad_rest_requests(api: httpx.Client, tmp_path: Path) -> None:
    """Malformed REST bodies are 400s naming the field; nothing is created; the server lives on."""
    cases: list[tuple[str, str, Any]] = [
        ("POST", "/api/sessions", {"type": "quick"}),
        ("POST", "/api/sessions", {"type": "weird", "locationPath": str(tmp_path)}),
        ("POST", "/api/sessions", {"type": "quick", "locationPath": 5}),
        ("POST", "/api/sessions", {"type": "quick", "locationPath": str(tmp_path), "title": ""}),
        (
            "POST",
            "/api/sessions",
            {"type": "quick", "locationPath": str(tmp_path), "initialPrompt": "x" * 20000},
        ),
        ("POST", "/api/sessions", {"type": "worktree", "locationPath": str(tmp_path)}),
        ("POST", "/api/sessions", [1, 2]),
        ("POST", "/api/agents", {"name": 5, "commandTemplate": "x"}),
    ]
    for method, url, body in cases:
        response = api.request(method, url, json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["code"] == "INVALID_REQUEST" and response.json()["error"]
    raw = api.post(
        "/api/sessions", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert raw.status_code == 400
    nested = api.post(
        "/api/sessions", content=b"[" * 100_000, headers={"Content-Type": "application/json"}
    )
    assert nested.status_code in (400, 413)
    session = create_session(api, tmp_path)
    sid = session["id"]
    for body in [{"type": "agent"}, {"type": "agent", "agentId": "nope"}, {"type": "robot"}]:
        response = api.post(f"/api/sessions/{sid}/workers", json=body)
        assert response.status_code == 400, body
    assert api.get("/api/sessions").json()["sessions"] == [
        api.get(f"/api/sessions/{sid}").json()["session"]
    ]
    assert len(api.get(f"/api/sessions/{sid}").json()["session"]["workers"]) == 1


async def test_lone_surrogate_offset_junk_and_input_flood(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A lone surrogate is INVALID_MESSAGE (not a crash); odd ?offset= gets the full history;
    input the program never reads is dropped past 1 MiB with INPUT_DROPPED, memory bounded."""
    session = create_session(api, tmp_path)
    sid, wid = session["id"], session["workers"][0]["id"]
    async with server.ws(server.worker_path(sid, wid) + "?offset=%C2%B2") as ws:
        assert (await recv(ws))["startOffset"] == 0
        await ws.send('{"type": "input", "data": "\\ud800"}')
        error = (await read_until(ws, lambda m: m["type"] == "error"))[-1]
        assert error["code"] == "INVALID_MESSAGE" and "surrogate" in error["message"]
        await ws.send(json.dumps({"type": "input", "data": "stty -echo; sleep 600\r"}))
        chunk = json.dumps({"type": "input", "data": "z" * 200_000})
        for _ in range(12):
            await ws.send(chunk)
        dropped = (await read_until(ws, lambda m: m["type"] == "error"))[-1]
        assert dropped["code"] == "INPUT_DROPPED"
    assert api.get("/api/health").status_code == 200


def test_bad_agent_field_types_and_long_paths(api: httpx.Client, tmp_path: Path) -> None:
    """Wrongly typed agent fields and unusable paths are 400s, never 500s."""
    for body in [
        {"name": "x", "commandTemplate": 123},
        {"name": "x", "commandTemplate": "a", "activityPatterns": "abc"},
        {"name": "x", "commandTemplate": "a", "activityPatterns": {"askingPatterns": "abc"}},
        {"name": ["x"], "commandTemplate": "a"},
    ]:
        response = api.post("/api/agents", json=body)
        assert response.status_code == 400, (body, response.text)
    long_path = str(tmp_path / ("x" * 300))
    response = api.post("/api/sessions", json={"type": "quick", "locationPath": long_path})
    assert response.status_code == 400 and "locationPath" in response.json()["error"]
