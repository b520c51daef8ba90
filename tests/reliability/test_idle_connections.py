"""Issue 9 item 8: connections that never make a request cannot lock the owner out. Each request
must arrive within a deadline, and a cap on open connections closes idle ones first."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import psutil
import pytest

from tests.harness import TIMEOUT, TOKEN, Server, running

FLOOD = 1150
LIMIT = 1024  # a common open-files limit (ulimit -n)


@pytest.fixture
def limited(data_dir: Path) -> Iterator[Server]:
    """A server limited to 1024 open files, as on many machines."""
    with running(data_dir, nofile=LIMIT) as server:
        yield server


def idle_socket(server: Server, send: bytes = b"") -> socket.socket:
    """A connection that sends `send` (nothing, or part of a request) and then nothing more."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
    if send:
        sock.sendall(send)
    return sock


def closed_by_server(sock: socket.socket) -> bytes | None:
    """What the server sent before closing the connection (EOF or reset), or None when it has
    not closed it within TIMEOUT."""
    deadline, received = time.monotonic() + TIMEOUT, b""
    try:
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = sock.recv(4096)
            if chunk == b"":
                return received
            received += chunk
    except ConnectionResetError:
        return received
    except TimeoutError:
        pass
    return None


def test_the_owner_is_served_through_a_flood_of_idle_connections(limited: Server) -> None:
    """With 1,150 connections open that never send a byte (more than the server's 1,024 open
    files), the owner's request is answered at once and the server's descriptors stay bounded."""
    assert limited.proc is not None
    process = psutil.Process(limited.proc.pid)
    with ExitStack() as stack:
        for _ in range(FLOOD):
            stack.enter_context(idle_socket(limited))
        with limited.http() as api:
            started = time.monotonic()
            response = api.get("/api/sessions", timeout=TIMEOUT / 2)
            assert response.status_code == 200
            assert time.monotonic() - started < TIMEOUT / 2
        assert process.num_fds() < LIMIT * 3 // 4


HEAD = "POST /api/agents HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"


@pytest.mark.parametrize(
    "sent",
    ["", HEAD, HEAD + f"Content-Length: 100\r\nAuthorization: Bearer {TOKEN}\r\n\r\n{{"],
    ids=["nothing", "half a head", "half a body"],
)
def test_a_request_that_never_completes_is_closed(server: Server, sent: str) -> None:
    """A connection that sends nothing, part of a request head, or part of a body is closed by
    the server, unanswered, within the request deadline (10 s) — not held forever."""
    with idle_socket(server, sent.replace("{port}", str(server.port)).encode()) as sock:
        assert closed_by_server(sock) == b""
