"""The CLI's client verbs — `ls`, `new`, `attach` — over the REST API and both sockets."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import termios
import tty
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_console.config import DEFAULT_PORT, default_data_dir
from agent_console.terminal_modes import Modes

if TYPE_CHECKING:  # imported when a verb runs: `host` and `stop` start without httpx
    from agent_console.client.connection import Client

DETACH_KEY = b"\x1d"  # Ctrl-]
ATTACH_TAIL = 64 * 1024  # history shown on attach: the last screens, not all that was printed


def add_verbs(verbs: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--url", default=os.environ.get("AGENT_CONSOLE_URL", f"http://127.0.0.1:{DEFAULT_PORT}")
    )
    common.add_argument("--data-dir", help="where to find the token (default ~/.agent-console)")

    ls = verbs.add_parser("ls", parents=[common], help="list sessions, workers and live activity")
    ls.set_defaults(run=lambda a: _run(_ls(_client(a))))

    new = verbs.add_parser("new", parents=[common], help="start a session with an agent or a shell")
    new.add_argument(
        "directory", nargs="?", default=".", help="the session's directory (default .)"
    )
    new.add_argument("--agent", help="agent id (see `ls --agents`); default: a plain shell")
    new.add_argument("--prompt", help="initial prompt for the agent")
    new.add_argument("--title")
    new.add_argument("--attach", action="store_true", help="attach to it at once")
    new.set_defaults(run=lambda a: _run(_new(_client(a), a)))

    attach = verbs.add_parser(
        "attach", parents=[common], help="join a worker's terminal (detach: Ctrl-])"
    )
    attach.add_argument("session", help="session id (a unique prefix is enough)")
    attach.add_argument("worker", nargs="?", help="worker id or name (default: the first)")
    attach.set_defaults(run=lambda a: _run(_attach_verb(_client(a), a)))


def _client(args: argparse.Namespace) -> Client:
    from agent_console.client.connection import Client

    # Never a --token flag: a command line is visible to every user in `ps`.
    token = os.environ.get("AGENT_CONSOLE_TOKEN")
    if not token:
        data_dir = Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()
        with contextlib.suppress(OSError):
            token = (data_dir / "token").read_text().strip()
    return Client(args.url.rstrip("/"), token)


def _run(coro: Any) -> int:
    from agent_console.client.connection import ClientError

    try:
        return int(asyncio.run(coro))
    except ClientError as exc:
        print(f"agent-console: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


async def _ls(client: Client) -> int:
    sessions = (await client.request("GET", "/api/sessions"))["sessions"]
    activity = await _activity(client)
    if not sessions:
        print("no sessions")
    for s in sessions:
        print(
            f"{s['id'][:8]}  {s.get('title') or Path(s['locationPath']).name}  {s['locationPath']}  [{s['status']}]"
        )
        for w in s["workers"]:
            state = activity.get(w["id"], "")
            status = w.get("status", "")
            if status == "exited":
                status = f"exited {w.get('exitCode', '')}"
            print(f"    {w['id'][:8]}  {w['type']:<8}  {w['name']:<20}  {status:<10}  {state}")
    return 0


async def _activity(client: Client) -> dict[str, str]:
    async with await client.open("/ws/app") as ws:
        import json

        sync = json.loads(await asyncio.wait_for(ws.recv(), 10))
    return {a["workerId"]: a["activityState"] for a in sync.get("activityStates", [])}


async def _new(client: Client, args: argparse.Namespace) -> int:
    body: dict[str, Any] = {"type": "quick", "locationPath": os.path.realpath(args.directory)}
    for key, value in (
        ("agentId", args.agent),
        ("initialPrompt", args.prompt),
        ("title", args.title),
    ):
        if value:
            body[key] = value
    session = (await client.request("POST", "/api/sessions", body))["session"]
    worker = session["workers"][0]
    print(f"session {session['id']}  worker {worker['id']} ({worker['name']})")
    if args.attach:
        return await attach(client, session["id"], worker["id"])
    return 0


async def _attach_verb(client: Client, args: argparse.Namespace) -> int:
    sessions = (await client.request("GET", "/api/sessions"))["sessions"]
    session = _pick(
        [s for s in sessions if s["id"].startswith(args.session)], "session", args.session
    )
    workers = session["workers"]
    if args.worker:
        workers = [
            w for w in workers if w["id"].startswith(args.worker) or w["name"] == args.worker
        ]
    worker = _pick(workers[:1] if not args.worker else workers, "worker", args.worker or "")
    return await attach(client, session["id"], worker["id"])


def _pick(matches: list[dict[str, Any]], what: str, key: str) -> dict[str, Any]:
    from agent_console.client.connection import ClientError

    if len(matches) != 1:
        raise ClientError(f"{len(matches) or 'no'} {what}s match {key!r}")
    return matches[0]


async def attach(client: Client, session_id: str, worker_id: str) -> int:
    """Joins the worker's terminal in this one until Ctrl-] (or the worker is deleted)."""
    from agent_console.client.connection import WorkerStream

    stream = WorkerStream(client, session_id, worker_id, tail=ATTACH_TAIL)
    out = sys.stdout.buffer
    modes = Modes()  # what the worker's output set in this terminal: undone on the way out
    client.on_state = lambda state: _status(f"[{state}]")
    outgoing: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    with _raw_terminal() as interactive:
        loop = asyncio.get_running_loop()
        done = loop.create_future()

        def on_key() -> None:
            data = os.read(0, 65536)
            if not data or DETACH_KEY in data:
                if not done.done():
                    done.set_result(None)
                return
            outgoing.put_nowait({"type": "input", "data": data.decode("utf-8", "replace")})

        if interactive:
            outgoing.put_nowait(_size())  # before any key: what is typed runs at this size
            loop.add_reader(0, on_key)
            loop.add_signal_handler(signal.SIGWINCH, lambda: outgoing.put_nowait(_size()))

        async def send() -> None:
            while True:
                await stream.send(await outgoing.get())

        async def render() -> None:
            async for message in stream:
                if message["type"] == "history" and interactive:
                    outgoing.put_nowait(_size())
                rendered = _render(message)
                modes.feed(rendered)  # every byte this terminal was given, modes strings too
                modes.feed_region(rendered)
                out.write(rendered)
                out.flush()

        tasks = [loop.create_task(render()), loop.create_task(send())]
        await asyncio.wait([tasks[0], done], return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
        if interactive:
            loop.remove_reader(0)
            loop.remove_signal_handler(signal.SIGWINCH)
    out.write(modes.leave().encode() + b"\x1b[0m")  # the user's terminal as it was (colours too)
    out.flush()
    print("\r\n[detached]")
    return 0


def _render(message: dict[str, Any]) -> bytes:
    kind = message["type"]
    if kind == "history":  # a tail starts with the modes in effect there (alternate screen…)
        return (str(message.get("modes", "")) + str(message["data"])).encode()
    if kind == "output":
        return str(message["data"]).encode()
    if kind == "exit":
        return f"\r\n[exited with code {message['exitCode']}]\r\n".encode()
    if kind == "error":
        return f"\r\n[{message['message']}]\r\n".encode()
    return b""


def _size() -> dict[str, Any]:
    cols, rows = os.get_terminal_size(sys.stdout.fileno())
    return {"type": "resize", "cols": max(1, min(cols, 1000)), "rows": max(1, min(rows, 1000))}


def _status(text: str) -> None:
    sys.stderr.write(f"\r\n{text}\r\n")
    sys.stderr.flush()


@contextlib.contextmanager
def _raw_terminal() -> Any:
    if not os.isatty(0):
        yield False
        return
    saved = termios.tcgetattr(0)
    tty.setraw(0, termios.TCSANOW)  # keep what was typed ahead
    try:
        yield True
    finally:
        termios.tcsetattr(0, termios.TCSADRAIN, saved)
