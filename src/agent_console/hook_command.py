"""`agent-console hook <cli> [--then PROGRAM ARGS…] [JSON]`: what an agent CLI runs on its hook
events, to tell the server (standard library only: it runs on every event, and must start fast).

Claude Code and Gemini CLI pass the event as JSON on stdin; Codex passes its `notify` JSON as the
last argument (after `--then` and the user's own notify program, which runs next with the same
JSON). The worker's environment (`AGENT_CONSOLE_HOOK`, see agent_hooks.py) names the data
directory, whose `server.json` gives the running server's port, the worker's hook route and its
secret. The call is dated when the hook started (or when the event happened, if the caller put
an `at` in its JSON), so the server can tell a late call.

A permission hook (Claude Code's PermissionRequest) waits for the server's answer: a decision
made from anywhere is printed for the CLI; without one it prints nothing and the CLI shows its
own dialog as usual. Whatever happens, the hook exits 0 and prints nothing else: a console that
is away never disturbs the agent.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

HOOK_ENV = "AGENT_CONSOLE_HOOK"
DECIDES = frozenset({"PermissionRequest"})
DECISION_WAIT = 3600.0
SEND_TIMEOUT = 5.0
MAX_INPUT = 1024 * 1024
MAX_TOOL_INPUT = 16 * 1024
KEEP = ("hook_event_name", "session_id", "tool_name", "tool_input", "notification_type",
        "message", "details", "type", "thread-id", "turn-id", "source", "properties")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[2:] if argv is None else argv)
    at = time.time()
    if not args:
        print("usage: agent-console hook <cli> [--then PROGRAM ARGS...] [JSON]", file=sys.stderr)
        return 2
    cli, rest = args[0], args[1:]
    then: list[str] = []
    if rest and rest[0] == "--then":
        then, rest = rest[1:-1], rest[-1:]
    raw = rest[-1] if rest else _stdin()
    with contextlib.suppress(Exception):
        _report(cli, raw, at)
    if then and rest:
        import subprocess

        with contextlib.suppress(OSError):
            subprocess.Popen([*then, rest[-1]], start_new_session=True)
    return 0


def _stdin() -> str:
    with contextlib.suppress(OSError, ValueError):
        return sys.stdin.read(MAX_INPUT)
    return ""


def _report(cli: str, raw: str, at: float) -> None:
    config = json.loads(os.environ[HOOK_ENV])
    data = json.loads(raw) if raw.strip() else {}
    data = data if isinstance(data, dict) else {}
    dated = data.get("at")  # when the event happened, if the CLI's plugin dated it
    if isinstance(dated, (int, float)) and abs(dated - at) < 60:
        at = float(dated)
    data = _small(data)
    event = str(data.get("hook_event_name") or data.get("type") or "")
    body = json.dumps({"agent": cli, "event": event, "at": at, "data": data})
    wait = DECISION_WAIT if event in DECIDES else SEND_TIMEOUT
    answer = _post(Path(config["dir"]), config["route"], config["secret"], body, wait)
    output = answer.get("output") if isinstance(answer, dict) else None
    if isinstance(output, dict):
        sys.stdout.write(json.dumps(output))
        sys.stdout.flush()


def _small(data: dict[str, Any]) -> dict[str, Any]:
    """Only what the server reads, and a tool's input only if it is small (a file's content is
    not needed to ask about it)."""
    kept = {key: data[key] for key in KEEP if key in data}
    if len(json.dumps(kept.get("properties"))) > MAX_TOOL_INPUT:
        kept["properties"] = {}
    tool_input = kept.get("tool_input")
    if tool_input is not None and len(json.dumps(tool_input)) > MAX_TOOL_INPUT:
        fields = tool_input.items() if isinstance(tool_input, dict) else []
        kept["tool_input"] = {
            k: v[:1000] for k, v in fields if isinstance(v, str) and len(v) < 4096
        }
    return kept


def _post(data_dir: Path, route: str, secret: str, body: str, wait: float) -> Any:
    """POSTs `body` and returns the JSON answer (None unless 200). HTTP/1.1 by hand over a
    socket: http.client alone would double the hook's start-up time."""
    record = json.loads((data_dir / "server.json").read_text(encoding="utf-8"))
    host = str(record["host"]).strip("[]")
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    port = int(record["port"])
    payload = body.encode("utf-8")
    named = f"[{host}]" if ":" in host else host
    head = (f"POST {route} HTTP/1.1\r\nHost: {named}:{port}\r\nAuthorization: Bearer {secret}"
            f"\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}"
            "\r\nConnection: close\r\n\r\n")  # fmt: skip
    with socket.create_connection((host, port), timeout=SEND_TIMEOUT) as connection:
        connection.sendall(head.encode("ascii") + payload)
        connection.settimeout(wait)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
            if sum(map(len, chunks)) > MAX_INPUT:
                return None
    status, _, rest = b"".join(chunks).partition(b"\r\n")
    _, _, answer = rest.partition(b"\r\n\r\n")
    if status.split(b" ")[1:2] != [b"200"] or not answer:
        return None
    return json.loads(answer)
