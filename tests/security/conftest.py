"""Fixtures for the black-box security suite: a logged-in browser-like client (cookie only), the
app's own route table, handshakes that must be refused, and servers started by hand when a test
needs their stdout, exit status or environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastapi.routing
import httpx
import pytest
from starlette.routing import WebSocketRoute
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from agent_console.config import Settings
from agent_console.web.app import create_app
from tests.harness import TIMEOUT, TOKEN, Server, running

PLACEHOLDER = "x"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for a module's tests that change nothing a later test could see (the machine
    has two cores; starting a server per read-only check wastes them)."""
    with running(tmp_path_factory.mktemp("shared") / "data") as srv:
        yield srv


@pytest.fixture
def browser(server: Server) -> Iterator[httpx.Client]:
    """A client that logged in like a browser (GET /?token=) and then holds only the cookie."""
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT) as client:
        response = client.get(f"/?token={TOKEN}")
        assert response.status_code == 302, response.text
        assert client.cookies, "the login set no cookie"
        yield client


@dataclass(frozen=True)
class Entry:
    path: str
    methods: frozenset[str]
    websocket: bool


def routes() -> list[Entry]:
    """Every route the app serves, included routers flattened (FastAPI nests them)."""
    table = create_app(Settings(token="route-listing-0123456789")).routes
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    found = list(flatten(table)) if flatten else table
    return [
        Entry(
            str(getattr(r, "path", "?")),
            frozenset(getattr(r, "methods", None) or ()),
            isinstance(getattr(r, "original_route", r), WebSocketRoute),
        )
        for r in found
    ]


def concrete(path: str) -> str:
    """A route template with every parameter filled in (`{id}`, `{path:path}`)."""
    import re

    return re.sub(r"\{[^}]+\}", PLACEHOLDER, path)


def ws_connect(
    server: Server | str,
    path: str,
    token: str | None = TOKEN,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    """A WebSocket client for `path` on a server (or its base URL): Bearer `token` (if any) plus
    `headers`; `origin=` etc. go to websockets' connect."""
    extra = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
    base = server if isinstance(server, str) else server.base_url
    url = base.replace("http://", "ws://", 1) + path
    return connect(url, additional_headers=extra, open_timeout=TIMEOUT, **kwargs)


async def refused_handshake(server: Server, path: str, **kwargs: Any) -> tuple[int, bytes]:
    """Opens `path` expecting the server to refuse the handshake; its HTTP status and body."""
    try:
        async with ws_connect(server, path, **kwargs):
            pass
    except InvalidStatus as exc:
        return exc.response.status_code, bytes(exc.response.body or b"")
    raise AssertionError(f"handshake to {path} with {kwargs} was accepted")


@dataclass
class Started:
    proc: subprocess.Popen[str]
    first_line: str
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text()


@contextmanager
def start_serve(data_dir: Path, env: dict[str, str | None], *args: str) -> Iterator[Started]:
    """`agent-console serve --port 0` with the test token and `env` applied (None removes a
    variable); yields once it printed its first stdout line or exited."""
    home = data_dir.parent / "home"
    home.mkdir(exist_ok=True)
    full = {**os.environ, "AGENT_CONSOLE_TOKEN": TOKEN, "SHELL": "/bin/bash", "HOME": str(home)}
    for key, value in env.items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    err = data_dir.parent / f"{data_dir.name}-stderr.log"
    argv = [sys.executable, "-m", "agent_console", "serve", "--port", "0",
            "--data-dir", str(data_dir), *args]  # fmt: skip
    with err.open("w") as stderr:
        proc = subprocess.Popen(argv, env=full, stdout=subprocess.PIPE, stderr=stderr, text=True,
                                start_new_session=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        yield Started(proc, proc.stdout.readline(), err)
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.wait(timeout=TIMEOUT)
        if proc.stdout is not None:
            proc.stdout.close()
