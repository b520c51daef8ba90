"""The worker socket against a real server and real PTYs (seed + SPEC §4)."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.harness import (
    BIN,
    FAKE_AGENT,
    Message,
    Server,
    create_session,
    fake_agent_fields,
    output_text,
    read_output_until,
    read_until,
    recv,
    running,
    type_line,
)


def worker_of(session: dict[str, Any], index: int = 0) -> str:
    return str(session["workers"][index]["id"])


async def test_history_first_then_output(server: Server, api: httpx.Client, tmp_path: Path) -> None:
    """The first message is history with offsets; typed input comes back as output."""
    session = create_session(api, tmp_path)
    async with server.worker_ws(session) as ws:
        first = await recv(ws)
        assert first["type"] == "history"
        assert first["startOffset"] == 0 and first["offset"] >= 0
        await type_line(ws, "echo hel''lo-$((6*7))")
        messages = await read_output_until(ws, "hello-42")
        outputs = [m for m in messages if m["type"] == "output"]
        assert all(m["offset"] > first["offset"] for m in outputs)


async def test_offset_resume_loses_and_repeats_nothing(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Reconnecting with ?offset=N continues exactly after byte N."""
    session = create_session(api, tmp_path)
    async with server.worker_ws(session) as ws:
        await type_line(ws, "echo first-$((1+1))")
        seen = await read_output_until(ws, "first-2")
        text, offset = output_text(seen), seen[-1]["offset"]
    async with server.worker_ws(session) as ws:
        await type_line(ws, "echo second-$((2+1))")
    async with server.worker_ws(session, offset=offset) as ws:
        history = await recv(ws)
        assert history["type"] == "history" and history["startOffset"] == offset
        rest = (
            [history, *await read_output_until(ws, "second-3")]
            if "second-3" not in history["data"]
            else [history]
        )
        resumed = output_text(rest)
    async with server.worker_ws(session) as ws:
        full = await recv(ws)
    assert full["startOffset"] == 0
    assert full["data"].startswith(text + resumed[: len(full["data"]) - len(text)])
    assert (text + resumed)[: len(full["data"])] == full["data"][: len(text + resumed)]


async def test_utf8_is_never_split(server: Server, api: httpx.Client, tmp_path: Path) -> None:
    """Multi-byte characters crossing read boundaries arrive whole; offsets count raw bytes."""
    session = create_session(api, tmp_path)
    async with server.worker_ws(session) as ws:
        history = await recv(ws)
        start = history["offset"]
        await type_line(ws, "python3 -c \"print('é🎉'*60000 + 'END' + 'OK')\"")
        messages = await read_output_until(ws, "ENDOK")
    outputs = [m for m in messages if m["type"] == "output"]
    for message in outputs:
        assert "\ufffd" not in message["data"]
    total = sum(len(m["data"].encode()) for m in outputs)
    assert outputs[-1]["offset"] - start == total
    assert ("é🎉" * 60000) in "".join(m["data"] for m in outputs)


async def test_every_client_gets_all_output(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Two clients attached to one worker both receive everything."""
    session = create_session(api, tmp_path)
    async with server.worker_ws(session) as a, server.worker_ws(session) as b:
        await recv(a), await recv(b)
        await type_line(a, "seq 1 3000 | tail -c 20000; echo DONE-$((3*3))")
        got_a = output_text(await read_output_until(a, "DONE-9"))
        got_b = output_text(await read_output_until(b, "DONE-9"))
        assert "2999\r\n3000" in got_a and "2999\r\n3000" in got_b


async def test_exit_comes_after_last_output(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """`exit` follows the process's last output and carries the exit code; the socket stays open."""
    session = create_session(api, tmp_path)
    async with server.worker_ws(session) as ws:
        await recv(ws)
        await type_line(ws, "echo bye-$((5*5)); exit 7")
        messages = await read_until(ws, lambda m: m["type"] == "exit")
        assert "bye-25" in output_text(messages)
        assert messages[-1] == {"type": "exit", "exitCode": 7, "signal": None}
        restarted = api.post(
            f"/api/sessions/{session['id']}/workers/{worker_of(session)}/restart", json={}
        )
        assert restarted.status_code == 200
        await type_line(ws, "echo again-$((2*4))")
        await read_output_until(ws, "again-8")


async def test_resize_reaches_the_child(server: Server, api: httpx.Client, tmp_path: Path) -> None:
    """resize sets the PTY size: `stty size` reports it."""
    session = create_session(api, tmp_path)
    async with server.worker_ws(session) as ws:
        await recv(ws)
        await ws.send(json.dumps({"type": "resize", "cols": 132, "rows": 43}))
        await type_line(ws, "stty size")
        await read_output_until(ws, "43 132")


async def test_image_is_saved_and_its_path_typed(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """An image is written under the data directory and its path typed into the PTY."""
    session = create_session(api, tmp_path)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    async with server.worker_ws(session) as ws:
        await recv(ws)
        await ws.send(json.dumps({"type": "input", "data": "cat >/dev/null; echo "}))
        await ws.send(
            json.dumps(
                {"type": "image", "data": base64.b64encode(png).decode(), "mimeType": "image/png"}
            )
        )
        images = server.data_dir / "images"
        messages = await read_output_until(ws, str(images))
    [saved] = list(images.iterdir())
    assert saved.suffix == ".png" and saved.read_bytes() == png
    assert str(saved) in output_text(messages)


async def test_agent_socket_reports_activity(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """Agent worker sockets get `activity` right after history, then on each change."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    async with server.worker_ws(session) as ws:
        assert (await recv(ws))["type"] == "history"
        first = await recv(ws)
        assert first["type"] == "activity" and first["state"] in ("unknown", "active", "idle")
        await read_until(ws, activity("idle"))
        await type_line(ws, "ask")
        asked = (await read_until(ws, activity("asking")))[-1]
        assert asked["reason"] == "screen:pattern 1"
        assert asked["question"]["text"] == "Do you want to proceed?"
        await type_line(ws, "y")
        await read_until(ws, lambda m: m["type"] == "activity" and m["state"] != "asking")


async def test_aider_gitignore_question_answered_by_enter_stays_answered(tmp_path: Path) -> None:
    """The built-in Aider (tests/bin/fake-aider on PATH as `aider`) asks its startup
    `.gitignore` question; a bare Enter takes the default: the agent leaves `asking` and,
    though Aider draws the answered line again, it settles idle without asking again."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "aider").symlink_to(BIN / "fake-aider")
    path_env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    with running(tmp_path / "data", env=path_env) as server, server.http() as api:
        session = create_session(api, tmp_path, agentId="aider")
        async with server.worker_ws(session) as ws:
            await read_until(ws, activity("asking"))
            await ws.send(json.dumps({"type": "input", "data": "\r"}))
            after = await read_until(ws, activity("idle"))
    assert "asking" not in [m["state"] for m in after if is_activity(m)]
    assert "Aider v0.86.2" in output_text(after)  # idle only once Aider was done drawing


def is_activity(message: Message) -> bool:
    return bool(message["type"] == "activity")


def activity(state: str) -> Callable[[Message], bool]:
    return lambda m: m["type"] == "activity" and m["state"] == state


async def test_resizing_an_idle_agent_leaves_it_idle(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """The fake agent draws its whole screen (6 KB) again on each resize, as TUIs do: an idle
    agent stays idle, and the next activity it reports is the work typed afterwards."""
    fields = fake_agent_fields("Redrawing", commandTemplate=f"{FAKE_AGENT} --redraw")
    agent = api.post("/api/agents", json=fields).json()["agent"]
    session = create_session(api, tmp_path, agentId=agent["id"])
    async with server.worker_ws(session) as ws:
        await read_until(ws, activity("idle"))
        for cols, rows in ((120, 40), (90, 30), (120, 40)):
            await ws.send(json.dumps({"type": "resize", "cols": cols, "rows": rows}))
            redraw = await read_output_until(ws, f"redrawn {cols}x{rows}")
            assert not [m for m in redraw if is_activity(m)]
        await type_line(ws, "work 20")
        seen = await read_until(ws, is_activity)
        assert seen[-1]["state"] == "active" and "working 1" in output_text(seen)


async def test_a_terminal_reply_does_not_answer_a_question(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """While the agent asks, the browser terminal answering a colour query by itself is no
    answer: the agent stays asking until the user's Enter."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"])
    async with server.worker_ws(session) as ws:
        await read_until(ws, activity("idle"))
        await type_line(ws, "ask")
        await read_until(ws, activity("asking"))
        reply = "\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\"
        await ws.send(json.dumps({"type": "input", "data": reply + "Z"}))
        echoed = await read_output_until(ws, "Z")  # the terminal echoes what the agent reads
        assert not [m for m in echoed if is_activity(m)]
        await ws.send(json.dumps({"type": "input", "data": "\r"}))
        seen = await read_until(ws, is_activity)
        assert seen[-1]["state"] == "active"


async def test_unknown_worker_gets_error_and_4404(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """An unknown session or worker: error WORKER_NOT_FOUND, then close 4404."""
    session = create_session(api, tmp_path)
    for path in [server.worker_path("nope", "nope"), server.worker_path(session["id"], "nope"),
                 server.worker_path("nope", worker_of(session))]:  # fmt: skip
        async with server.ws(path) as ws:
            message = await recv(ws)
            assert message["type"] == "error" and message["code"] == "WORKER_NOT_FOUND"
            with pytest.raises(ConnectionClosed) as closed:
                await recv(ws)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4404


async def test_deleting_worker_sends_exit_and_closes_1000(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """Deleting a worker or its session: attached sockets get exit, then close 1000."""
    session = create_session(api, tmp_path)
    sid = session["id"]
    extra = api.post(f"/api/sessions/{sid}/workers", json={"type": "terminal"}).json()["worker"]
    for delete, wid in [(f"/api/sessions/{sid}/workers/{extra['id']}", extra["id"]),
                        (f"/api/sessions/{sid}", worker_of(session))]:  # fmt: skip
        async with server.ws(server.worker_path(sid, wid)) as ws:
            await recv(ws)
            assert api.delete(delete).status_code == 200
            messages: list[Message] = []
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    messages.append(await recv(ws))
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1000
            assert messages and messages[-1]["type"] == "exit"


async def test_prompt_is_typed_when_template_has_no_placeholder(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """An agent whose command takes no prompt gets the initial prompt typed once it settles."""
    agent = api.post("/api/agents", json={"name": "NoArg", "commandTemplate": str(FAKE_AGENT)})
    session = create_session(
        api, tmp_path, agentId=agent.json()["agent"]["id"], initialPrompt="hi there"
    )
    async with server.worker_ws(session) as ws:
        text = output_text(await read_output_until(ws, "you said: hi there"))
    assert "argv=[]" in text


async def test_incomplete_character_at_exit_is_flushed(
    server: Server, api: httpx.Client, tmp_path: Path
) -> None:
    """A process that ends mid-character: the bytes arrive (replaced), then exit, offsets whole."""
    session = create_session(api, tmp_path)
    async with server.worker_ws(session) as ws:
        await recv(ws)
        await type_line(ws, "stty -echo; exec printf 'tail\\303'")
        messages = await read_until(ws, lambda m: m["type"] == "exit")
        outputs = [m for m in messages if m["type"] == "output"]
        assert output_text(messages).endswith("tail\ufffd")
    async with server.worker_ws(session) as ws:
        history = await recv(ws)
        assert history["offset"] == outputs[-1]["offset"]


SMALL_SCROLLBACK = 65536


@pytest.fixture(scope="module")
def small_scrollback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server keeping only 64 KiB per worker, for the tests of retention."""
    data_dir = tmp_path_factory.mktemp("small") / "data"
    with running(data_dir, args=("--scrollback-bytes", str(SMALL_SCROLLBACK))) as server:
        yield server


async def test_scrollback_cap_is_configurable(small_scrollback: Server, tmp_path: Path) -> None:
    """--scrollback-bytes bounds the retained history; older bytes go first, offsets go on."""
    server = small_scrollback
    with server.http() as api:
        session = create_session(api, tmp_path)
    async with server.worker_ws(session) as ws:
        await recv(ws)
        await type_line(ws, "seq 1 40000; echo END-$((7*6))")
        end = (await read_output_until(ws, "END-42"))[-1]["offset"]
    async with server.worker_ws(session) as ws:
        history = await recv(ws)
    assert end > 200_000 and history["offset"] >= end
    assert 0 < history["offset"] - history["startOffset"] <= SMALL_SCROLLBACK
    assert history["startOffset"] > 0 and "END-42" in history["data"]


async def test_a_resume_from_an_offset_out_of_retention_reports_the_lost_bytes(
    small_scrollback: Server, tmp_path: Path
) -> None:
    """?offset=N whose bytes left retention: `history` holds all that is kept (a reset) and
    `lostBytes` is exactly the bytes between N and the oldest kept byte."""
    server = small_scrollback
    with server.http() as api:
        session = create_session(api, tmp_path)
    async with server.worker_ws(session) as ws:
        await recv(ws)
        await type_line(ws, "echo READY-$((1+1))")
        seen = (await read_output_until(ws, "READY-2"))[-1]["offset"]
        await type_line(ws, "exec seq 1 40000")
        messages = await read_until(ws, lambda m: m["type"] == "exit")  # no output after it
    end = max(m["offset"] for m in messages if m["type"] == "output")
    kept_from = end - SMALL_SCROLLBACK  # ASCII output: retention holds the cap to the byte
    async with server.worker_ws(session, offset=seen) as ws:
        history = await recv(ws)
    assert kept_from > seen and history["offset"] == end
    assert history["startOffset"] == kept_from
    assert history["lostBytes"] == kept_from - seen


async def test_restart_with_continue_uses_the_continue_template(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """restart {continueConversation: true} relaunches with the continue template; false with
    the command template (no prompt); the socket sees exit then the new output."""
    session = create_session(api, tmp_path, agentId=fake_agent["id"], initialPrompt="first")
    sid, wid = session["id"], worker_of(session)
    async with server.worker_ws(session) as ws:
        await read_output_until(ws, "argv=['first']")
        api.post(f"/api/sessions/{sid}/workers/{wid}/restart", json={"continueConversation": True})
        messages = await read_output_until(ws, "argv=['--continue']")
        assert [m["type"] for m in messages].count("exit") == 1
        api.post(f"/api/sessions/{sid}/workers/{wid}/restart", json={})
        seen = await read_output_until(ws, "argv=[]")
        if "fake> " not in output_text(seen).rsplit("argv=[]", 1)[1]:
            seen += await read_output_until(ws, "fake> ")
        last = max(m["offset"] for m in seen if "offset" in m)
    async with server.worker_ws(session) as ws:
        assert (await recv(ws))["offset"] == last  # nothing was sent after what we saw
