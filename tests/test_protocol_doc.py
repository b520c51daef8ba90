"""docs/protocol.md, protocol.py, web/src/protocol.ts and the wire agree on every message."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import httpx

from agent_console import protocol
from tests.harness import ROOT, Message, Server, create_session, read_until, recv

DOC = (ROOT / "docs" / "protocol.md").read_text()
TS = (ROOT / "web" / "src" / "protocol.ts").read_text()
SEED = ROOT / "docs" / "seed-websocket-protocol.md"
SEED_SHA256 = "801495b8ce89b2219007f4128b776a5cf2421a4fbed5c836e5580eab65147ae6"  # the user's text, word for word


def table(section: str, heading: str) -> dict[str, set[str]]:
    """Message type → payload field names, from the table under `heading` within `section`."""
    body = DOC.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    rows = body.split(f"### {heading}", 1)[1].split("\n###", 1)[0]
    found = {}
    for kind, payload in re.findall(r"^\| `([\w-]+)` \| (.*?) \|", rows, re.M):
        found[kind] = payload_fields(payload)
    return found


def payload_fields(payload: str) -> set[str]:
    """`{ data: string, offset: number }` or `{ sessionId, workerId }` → the field names."""
    inner = payload.strip("` ").removeprefix("{").removesuffix("}")
    if payload.strip() == "(none)" or not inner.strip():
        return set()
    parts = [part for part in inner.split(",") if ":" in part or "|" not in part]
    return {part.strip().split(":")[0].rstrip("?").strip() for part in parts}


def ts_tuple(name: str) -> list[str]:
    match = re.search(rf"export const {name} = \[(.*?)\]", TS, re.S)
    assert match, name
    return re.findall(r'"([^"]+)"', match.group(1))


def test_doc_lists_exactly_the_catalogue() -> None:
    """Every message type in protocol.py is documented, and nothing else is."""
    assert set(table("App Connection", "Server → Client")) == {
        *protocol.APP_SERVER_MESSAGE_TYPES,
        "error",
    }
    assert set(table("App Connection", "Client → Server")) == set(protocol.APP_CLIENT_MESSAGE_TYPES)
    assert set(table("Worker Connection", "Server → Client")) == set(
        protocol.WORKER_SERVER_MESSAGE_TYPES
    )
    assert set(table("Worker Connection", "Client → Server")) == set(
        protocol.WORKER_CLIENT_MESSAGE_TYPES
    )


def test_typescript_mirrors_the_catalogue() -> None:
    """web/src/protocol.ts holds the same type lists and close codes as protocol.py."""
    for name in ("APP_SERVER_MESSAGE_TYPES", "APP_CLIENT_MESSAGE_TYPES", "WORKER_CLIENT_MESSAGE_TYPES",
                 "WORKER_SERVER_MESSAGE_TYPES", "ERROR_CODES"):  # fmt: skip
        assert ts_tuple(name) == list(getattr(protocol, name)), name
    assert ts_tuple("IMAGE_TYPES") == list(protocol.IMAGE_TYPES)
    codes = {k: int(v) for k, v in re.findall(r"^\s+(\w+): (\d+),", TS, re.M)}
    assert codes == {k: v for k, v in vars(protocol.Close).items() if k.isupper()}


def test_close_codes_are_documented() -> None:
    """Every close code the server uses has a row in the doc."""
    for name, code in vars(protocol.Close).items():
        if name.isupper():
            assert f"| `{code}` |" in DOC, name


def test_seed_copy_is_unchanged() -> None:
    """docs/ holds the user's protocol exactly as given: it is binding, so it is never edited."""
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def test_seed_rows_are_kept_word_for_word() -> None:
    """Each of the seed's 13 message rows appears in the doc with the same type and payload."""
    rows = re.findall(r"^\| `([\w-]+)` \| (`(?:[^|]|\\\|)*`|\(none\)) \|", SEED.read_text(), re.M)
    assert len(rows) == 13
    doc_rows = {**table("App Connection", "Server → Client"), **table("App Connection", "Client → Server"),
                **table("Worker Connection", "Server → Client"), **table("Worker Connection", "Client → Server")}  # fmt: skip
    for kind, payload in rows:
        assert kind in doc_rows, kind
        assert payload_fields(payload) <= doc_rows[kind], (kind, payload, doc_rows[kind])


def fields(message: Message) -> set[str]:
    return set(message) - {"type"}


def optional_fields() -> set[str]:
    """Fields the doc marks optional (`name?:`): present only when they say something."""
    return set(re.findall(r"(\w+)\?:", DOC))


async def test_wire_matches_the_doc(
    server: Server, api: httpx.Client, fake_agent: dict[str, Any], tmp_path: Path
) -> None:
    """Messages seen on a real server carry exactly the documented fields."""
    app_doc = table("App Connection", "Server → Client")
    worker_doc = table("Worker Connection", "Server → Client")
    async with server.ws("/ws/app") as app:
        sync = await recv(app)
        assert fields(sync) == app_doc["sessions-sync"]
        session = create_session(api, tmp_path, agentId=fake_agent["id"])
        wid = session["workers"][0]["id"]
        seen = await read_until(app, lambda m: m["type"] == "worker-activity")
        api.patch(f"/api/sessions/{session['id']}", json={"title": "t"})
        seen += await read_until(app, lambda m: m["type"] == "session-updated")
        async with server.ws(server.worker_path(session["id"], wid)) as ws:
            await ws.send("{")
            await ws.send(json.dumps({"type": "input", "data": "exit 0\r"}))
            seen_worker = await read_until(ws, lambda m: m["type"] == "exit")
        api.delete(f"/api/sessions/{session['id']}")
        seen += await read_until(app, lambda m: m["type"] == "session-deleted")
        await app.send("[]")
        seen.append(await recv(app))
    for message in seen:
        assert fields(message) == app_doc[message["type"]], message
    kinds = {m["type"] for m in seen_worker}
    assert {"history", "activity", "output", "error", "exit"} <= kinds
    for message in seen_worker:
        documented = worker_doc[message["type"]]
        assert documented - optional_fields() <= fields(message) <= documented, message
