"""Cross-site WebSocket hijacking and DNS rebinding against a real server: foreign, `null`,
other-port and look-alike origins on both sockets, foreign Host headers on HTTP and WebSocket —
all refused with an HTTP status before the app runs, token or not."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.harness import TIMEOUT, TOKEN, Server
from tests.security.conftest import refused_handshake, ws_connect


def foreign_origins(server: Server) -> list[str]:
    port = server.port
    return [
        "http://evil.example",
        "null",
        f"http://127.0.0.1:{port + 1}",
        "http://127.0.0.1.evil.example",
        f"http://127.0.0.1:{port}.evil.example",
        f"https://127.0.0.1:{port}",
        f"http://localhost:{port}",  # another origin than the Host the client used
        f"http://[::1]:{port}",
    ]


def rebinding_hosts(server: Server) -> list[str]:
    port = server.port
    return [f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "evil.example",
            f"localhost:{port + 1}", f"attacker.localhost.evil:{port}"]  # fmt: skip


@pytest.fixture
def worker_path(server: Server, tmp_path: Path) -> str:
    with server.http() as api:
        session = api.post("/api/sessions", json={"type": "quick", "locationPath": str(tmp_path)})
        assert session.status_code == 201, session.text
        body = session.json()["session"]
    return server.worker_path(body["id"], body["workers"][0]["id"])


@pytest.fixture
def cookie_header(server: Server) -> str:
    with httpx.Client(base_url=server.base_url) as client:
        client.get(f"/?token={TOKEN}")
        [(name, value)] = client.cookies.items()
    return f"{name}={value}"


def children(server: Server) -> set[int]:
    """The server's own child processes (its workers; their shells may start helpers)."""
    assert server.proc is not None
    return {p.pid for p in psutil.Process(server.proc.pid).children()}


async def test_foreign_origins_are_refused_on_both_sockets_even_with_the_token(
    server: Server, worker_path: str, cookie_header: str
) -> None:
    """Every foreign origin gets HTTP 403 on /ws/app and the worker socket, whether the request
    carries the token, the cookie or both; nothing is spawned."""
    before = children(server)
    for path in ("/ws/app", worker_path):
        for origin in foreign_origins(server):
            for headers in ({}, {"Cookie": cookie_header}):
                token = TOKEN if not headers else None
                status, body = await refused_handshake(
                    server, path, token=token, origin=origin, headers=headers
                )
                assert status == 403, (path, origin, headers)
                assert json.loads(body)["code"] == "FORBIDDEN"
    assert children(server) == before
    assert 'WebSocket /ws/app" [accepted]' not in server.log()


async def test_own_origin_and_tokens_open_both_sockets(
    server: Server, worker_path: str, cookie_header: str
) -> None:
    """The page's own origin with the cookie opens both sockets; a token client needs no Origin."""
    own = server.base_url
    for path in ("/ws/app", worker_path):
        cookie = {"Cookie": cookie_header}
        async with ws_connect(server, path, token=None, origin=own, headers=cookie) as ws:
            assert json.loads(await ws.recv())["type"] in ("sessions-sync", "history")
        async with server.ws(path) as ws:
            assert json.loads(await ws.recv())["type"] in ("sessions-sync", "history")


async def test_cookie_without_origin_cannot_open_a_socket(
    server: Server, worker_path: str, cookie_header: str
) -> None:
    """Only a non-browser client omits Origin, and it must then prove the token itself."""
    for path in ("/ws/app", worker_path):
        headers = {"Cookie": cookie_header}
        status, _ = await refused_handshake(server, path, token=None, headers=headers)
        assert status == 403, path


def test_rebinding_hosts_are_refused_on_http(server: Server) -> None:
    """A foreign Host gets 403 on the API (even with the token), on pages and on the login link,
    which then sets no cookie."""
    with server.http() as api:
        for host in rebinding_hosts(server):
            headers = {"Host": host}
            for path in ("/api/sessions", "/api/health", "/", f"/?token={TOKEN}", "/assets/x.js"):
                response = api.get(path, headers=headers)
                assert response.status_code == 403, (host, path)
                assert "set-cookie" not in response.headers
                assert TOKEN not in response.text
            created = api.post("/api/sessions", headers=headers, json={"type": "quick",
                               "locationPath": "/tmp"})  # fmt: skip
            assert created.status_code == 403
        assert api.get("/api/sessions").json() == {"sessions": []}


def test_loopback_hosts_are_accepted(server: Server) -> None:
    """127.0.0.1, localhost and [::1] with the server's port are this server."""
    with server.http() as api:
        for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}",
                     f"[::1]:{server.port}"):  # fmt: skip
            assert api.get("/api/sessions", headers={"Host": host}).status_code == 200, host


@pytest.fixture
def raw_socket(server: Server) -> Iterator[socket.socket]:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
    sock.setblocking(False)
    with sock:
        yield sock


async def rebinding_handshake(server: Server, host: str, path: str, **kwargs: Any) -> int:
    """A handshake for ws://<host><path> sent over a connection to this server, as a browser
    does after DNS rebinding made `host` resolve to 127.0.0.1."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
    sock.setblocking(False)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        async with connect(f"ws://{host}{path}", sock=sock, additional_headers=headers,
                           open_timeout=TIMEOUT, **kwargs):  # fmt: skip
            pass
    except InvalidStatus as exc:
        return exc.response.status_code
    finally:
        sock.close()
    return 101


async def test_rebinding_hosts_are_refused_on_both_sockets(
    server: Server, worker_path: str
) -> None:
    """A foreign Host gets 403 on both sockets, with the token and with a matching Origin."""
    for host in rebinding_hosts(server):
        for path in ("/ws/app", worker_path):
            assert await rebinding_handshake(server, host, path) == 403, (host, path)
            origin = f"http://{host}"
            assert await rebinding_handshake(server, host, path, origin=origin) == 403
    assert await rebinding_handshake(server, f"localhost:{server.port}", "/ws/app") == 101


async def test_refused_handshakes_leave_the_server_serving(server: Server) -> None:
    """A burst of refused handshakes costs nothing lasting: the server still answers."""
    origin = "http://evil.example"
    results = await asyncio.gather(
        *(refused_handshake(server, "/ws/app", origin=origin) for _ in range(30))
    )
    assert {status for status, _ in results} == {403}
    with server.http() as api:
        assert api.get("/api/health").status_code == 200
