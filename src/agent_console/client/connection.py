"""Client connections: REST with the token, and sockets that reconnect with backoff.

`WorkerStream` yields worker messages across reconnects, resuming with `?offset=` of the last
output it delivered, so a consumer sees every byte exactly once; asked for a `tail`, it opens
with only the last `tail` bytes of history (`?tail=`), as tmux shows the screen, not the past. `AppStream` yields app messages;
after each reconnect the server sends a fresh `sessions-sync`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from agent_console.client.backoff import Backoff

FINAL_CLOSE_CODES = {1000, 4404}  # deleted / unknown: reconnecting cannot help


class ClientError(Exception):
    """A request the server refused, with its message."""


@dataclass
class Client:
    url: str
    token: str | None
    on_state: Callable[[str], None] = field(default=lambda state: None)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def ws_url(self, path: str) -> str:
        parts = urlsplit(self.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}{path}"

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        async with httpx.AsyncClient(base_url=self.url, headers=self.headers, timeout=30) as http:
            try:
                response = await http.request(method, path, json=body)
            except httpx.HTTPError as exc:
                raise ClientError(f"cannot reach {self.url}: {exc}") from None
        data = response.json() if response.content else {}
        if response.status_code >= 400:
            raise ClientError(data.get("error") or f"HTTP {response.status_code}")
        return data

    async def open(self, path: str) -> ClientConnection:
        return await connect(self.ws_url(path), additional_headers=self.headers, max_size=None)

    async def messages(
        self, path_for: Callable[[], str]
    ) -> AsyncIterator[tuple[ClientConnection, dict[str, Any]]]:
        """(socket, message) pairs across reconnects; stops on a final close or refusal."""
        backoff = Backoff()
        while True:
            try:
                async with await self.open(path_for()) as ws:
                    if backoff.attempt:
                        self.on_state("connected")
                    backoff.reset()
                    async for raw in ws:
                        yield ws, json.loads(raw)
                    code = ws.close_code
            except InvalidStatus as exc:
                raise ClientError(
                    f"the server refused the connection (HTTP {exc.response.status_code})"
                ) from None
            except (OSError, ConnectionClosed, TimeoutError) as exc:
                code = getattr(getattr(exc, "rcvd", None), "code", None)
            if code in FINAL_CLOSE_CODES:
                return
            wait = backoff.next()
            self.on_state(f"reconnecting in {wait:.0f} s")
            await asyncio.sleep(wait)


class WorkerStream:
    """A worker's messages, resumed across reconnects by offset (nothing lost or repeated)."""

    def __init__(
        self, client: Client, session_id: str, worker_id: str, tail: int | None = None
    ) -> None:
        self.client = client
        self.base = f"/ws/session/{session_id}/worker/{worker_id}"
        self.tail = tail
        self.offset: int | None = None
        self.socket: ClientConnection | None = None
        self.connected = asyncio.Event()

    def _path(self) -> str:
        if self.offset is not None:
            return f"{self.base}?offset={self.offset}"
        return self.base if self.tail is None else f"{self.base}?tail={self.tail}"

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        async for ws, message in self.client.messages(self._path):
            self.socket = ws
            self.connected.set()
            if "offset" in message:
                self.offset = int(message["offset"])
            yield message

    async def send(self, message: dict[str, Any]) -> None:
        """Sends once connected: input typed while (re)connecting waits, in order."""
        while True:
            await self.connected.wait()
            assert self.socket is not None
            try:
                await self.socket.send(json.dumps(message))
                return
            except ConnectionClosed:
                self.connected.clear()
