"""Real servers for tests: a subprocess on a free port with its own data directory, and
authenticated REST and WebSocket clients that wait on conditions with timeouts."""

from __future__ import annotations

import base64
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "tests" / "bin"
FAKE_AGENT = BIN / "fake-agent"
TOKEN = "test-token-0123456789abcdef0123456789abcdef"
TIMEOUT = float(os.environ.get("AGENT_CONSOLE_TEST_TIMEOUT", "20"))
URL_LINE = re.compile(r"Agent Console is running at (http://\S+?)/?(?:\?token=\S+)?$")

Message = dict[str, Any]
T = TypeVar("T")
POLL = 0.05  # seconds between two looks at a condition


def _looks(condition: Callable[[], T | None], timeout: float, what: str) -> Iterator[T | None]:
    """Looks at `condition` once a step: its value once it holds (a true value, no failed assert),
    else None; a look after `timeout` that does not hold fails, saying what was awaited and the
    last value seen."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value: T | AssertionError | None = condition()
        except AssertionError as failed:
            value = failed
        if value and not isinstance(value, AssertionError):
            yield value
        elif time.monotonic() >= deadline:
            raise AssertionError(f"waited {timeout}s for {what} in vain; last seen {value!r}")
        else:
            yield None


def eventually(
    condition: Callable[[], T | None], timeout: float = TIMEOUT, what: str = "the condition"
) -> T:
    """Polls `condition` until it returns a true value (returned) without failing an assert."""
    looks = _looks(condition, timeout, what)
    while not (value := next(looks)):
        time.sleep(POLL)
    return value


async def eventually_async(
    condition: Callable[[], T | None], timeout: float = TIMEOUT, what: str = "the condition"
) -> T:
    """`eventually` for async tests: the event loop runs on between looks."""
    import asyncio

    looks = _looks(condition, timeout, what)
    while not (value := next(looks)):
        await asyncio.sleep(POLL)
    return value


class Server:
    """`agent-console serve` as a real process; start(), stop() (SIGTERM), kill() (SIGKILL)."""

    def __init__(
        self,
        data_dir: Path,
        env: dict[str, str] | None = None,
        port: int = 0,
        args: tuple[str, ...] = (),
        nofile: int | None = None,
        log_level: str | None = "info",
    ) -> None:
        # Tests read the access log (info); None runs the server at its default level.
        self.args = (*args, "--log-level", log_level) if log_level else args
        self.nofile = nofile  # an open-files limit for the server (as `ulimit -n`)
        self.data_dir = data_dir
        self.port = port
        # A home of its own, so the shells the server starts never read this machine's profile.
        home = data_dir.parent / "home"
        home.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "AGENT_CONSOLE_TOKEN": TOKEN, "SHELL": "/bin/bash",
                    "HOME": str(home), **(env or {})}  # fmt: skip
        self.proc: subprocess.Popen[str] | None = None
        self.base_url = ""
        self.log_path = data_dir.parent / f"{data_dir.name}-server.log"
        self._lines: queue.Queue[str | None] = queue.Queue()

    def start(self) -> Server:
        argv = [sys.executable, "-m", "agent_console", "serve", "--port", str(self.port),
                "--data-dir", str(self.data_dir), *self.args]  # fmt: skip
        if self.nofile is not None:
            argv = ["/bin/sh", "-c", f'ulimit -n {self.nofile} && exec "$0" "$@"', *argv]
        with self.log_path.open("a") as log:
            self.proc = subprocess.Popen(
                argv,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                start_new_session=True,
            )
        threading.Thread(target=self._read_stdout, daemon=True).start()
        while True:
            line = self._lines.get(timeout=TIMEOUT)
            if line is None:
                raise RuntimeError(f"server exited early; log:\n{self.log_path.read_text()}")
            match = URL_LINE.search(line.strip())
            if match:
                self.base_url = match.group(1)
                self.port = int(self.base_url.rsplit(":", 1)[1])
                return self

    def _read_stdout(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        try:
            for line in self.proc.stdout:
                self._lines.put(line)
        except ValueError:  # closed by stop()
            pass
        self._lines.put(None)

    def stop(self, sig: int = signal.SIGTERM, keep_host: bool = False) -> int:
        """Ends the server with `sig`; then its worker host and every worker, unless
        `keep_host` (a restart: the next server adopts them)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout=TIMEOUT)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if not keep_host:
            stop_hosts_under(self.data_dir)
        return code

    def kill(self, keep_host: bool = False) -> None:
        self.stop(signal.SIGKILL, keep_host)

    def stop_host(self) -> None:
        """`agent-console stop`: the host ends every worker, then itself."""
        argv = [sys.executable, "-m", "agent_console", "stop", "--data-dir", str(self.data_dir)]
        subprocess.run(argv, env=self.env, timeout=TIMEOUT, check=True, capture_output=True)

    @property
    def host_pid(self) -> int | None:
        try:
            return int((self.data_dir / "host.lock").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    @property
    def ws_base(self) -> str:
        return self.base_url.replace("http://", "ws://", 1)

    def http(self, token: str | None = TOKEN) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=TIMEOUT)

    def ws(self, path: str, token: str | None = TOKEN, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return connect(
            self.ws_base + path, additional_headers=headers, open_timeout=TIMEOUT, **kwargs
        )

    def worker_path(self, session_id: str, worker_id: str, offset: int | None = None) -> str:
        query = f"?offset={offset}" if offset is not None else ""
        return f"/ws/session/{session_id}/worker/{worker_id}{query}"

    def worker_ws(
        self, session: dict[str, Any], index: int = 0, offset: int | None = None, **kwargs: Any
    ) -> Any:
        """A client of the socket of `session`'s worker number `index` (from `offset`)."""
        path = self.worker_path(session["id"], session["workers"][index]["id"], offset)
        return self.ws(path, **kwargs)

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""


@contextmanager
def running(data_dir: Path, **kwargs: Any) -> Iterator[Server]:
    server = Server(data_dir, **kwargs).start()
    try:
        yield server
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.stop()
        stop_hosts_under(data_dir)


def never_reading_client(server: Server, path: str) -> socket.socket:
    """A WebSocket client that completes the handshake and then never reads (tiny receive
    buffer, so the server's writes back up almost at once)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(TIMEOUT)
    sock.connect(("127.0.0.1", server.port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Authorization: Bearer {TOKEN}\r\n\r\n"
        ).encode()
    )
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        head += sock.recv(1)  # byte by byte: leave every frame unread
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def close_code(sock: socket.socket) -> int | None:
    """Reads a raw WebSocket stream (server frames are unmasked) to its end: the status code of
    its close frame, or None when it ended without one."""
    data = b""
    while chunk := sock.recv(1 << 16):
        data += chunk
    pos = 0
    while pos + 2 <= len(data):
        opcode, length, pos = data[pos] & 0x0F, data[pos + 1] & 0x7F, pos + 2
        if length >= 126:
            size = 2 if length == 126 else 8
            length, pos = int.from_bytes(data[pos : pos + size], "big"), pos + size
        payload, pos = data[pos : pos + length], pos + length
        if opcode == 0x8:
            return int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
    return None


def stop_hosts_under(root: Path) -> None:
    """Ends every worker host (and its workers) whose data directory lies under `root`."""
    import psutil

    for lock in root.rglob("host.lock"):
        try:
            host = psutil.Process(int(lock.read_text().split()[0]))
            if "host" in host.cmdline():
                host.terminate()
                host.wait(TIMEOUT)
        except (OSError, ValueError, IndexError, psutil.Error):
            continue


def create_session(api: httpx.Client, path: Path, **fields: Any) -> dict[str, Any]:
    """A quick session in `path` (with `fields` added to the request), as the server made it."""
    response = api.post(
        "/api/sessions", json={"type": "quick", "locationPath": str(path), **fields}
    )
    assert response.status_code == 201, response.text
    return response.json()["session"]  # type: ignore[no-any-return]


def found(api: httpx.Client, query: str) -> list[dict[str, Any]]:
    """The search API's results for `query` once there are any (output is indexed within seconds)."""

    def results() -> list[dict[str, Any]]:
        response = api.get("/api/search", params={"q": query})
        assert response.status_code == 200, response.text
        return response.json()["results"]  # type: ignore[no-any-return]

    return eventually(results, what=f"search results for {query!r}")


def fake_agent_fields(name: str = "Fake", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "commandTemplate": f"{FAKE_AGENT} {{{{prompt}}}}",
        "continueTemplate": f"{FAKE_AGENT} --continue",
        "activityPatterns": {"askingPatterns": [r"Do you want to proceed\?"]},
        **extra,
    }


async def recv(ws: ClientConnection, timeout: float = TIMEOUT) -> Message:
    import asyncio

    raw = await asyncio.wait_for(ws.recv(), timeout)
    return json.loads(raw)  # type: ignore[no-any-return]


async def read_until(
    ws: ClientConnection, predicate: Callable[[Message], bool], timeout: float = TIMEOUT
) -> list[Message]:
    """Every message received up to and including the first that satisfies `predicate`."""
    import asyncio

    seen: list[Message] = []

    async def loop() -> list[Message]:
        while True:
            message = json.loads(await ws.recv())
            seen.append(message)
            if predicate(message):
                return seen

    try:
        return await asyncio.wait_for(loop(), timeout)
    except TimeoutError:
        raise AssertionError(f"condition not met within {timeout}s; got {seen[-20:]!r}") from None


async def type_line(ws: ClientConnection, text: str) -> None:
    """Types `text` and Enter into a worker's socket."""
    await ws.send(json.dumps({"type": "input", "data": text + "\r"}))


def output_text(messages: list[Message]) -> str:
    return "".join(m.get("data", "") for m in messages if m["type"] in ("history", "output"))


async def read_output_until(
    ws: ClientConnection, needle: str, timeout: float = TIMEOUT
) -> list[Message]:
    """Messages up to the one after which the terminal output contains `needle`."""
    text = ""

    def has(message: Message) -> bool:
        nonlocal text
        if message["type"] in ("history", "output"):
            text += message.get("data", "")
        return needle in text

    return await read_until(ws, has, timeout)
