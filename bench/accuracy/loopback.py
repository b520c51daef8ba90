"""A minimal HTTP/1.1 server on 127.0.0.1 for the provider mocks: one request in, one reply out,
written by the handler chunk by chunk so the mock knows when each byte left.

Replies are close-delimited (`Connection: close`, no length): every client the CLIs use (undici,
Bun's fetch, hyper) reads such a body to EOF, and the mock never has to frame chunks.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

MAX_BODY = 64 * 2**20


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.monotonic)

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Reply:
    """The handler's side of one response: a status line and headers, then body chunks."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self.started = False
        self.last_byte_at: float | None = None

    async def start(self, status: int = 200, content_type: str = "text/event-stream") -> None:
        head = (
            f"HTTP/1.1 {status} {'OK' if status < 400 else 'Error'}\r\n"
            f"Content-Type: {content_type}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"
        )
        self._writer.write(head.encode())
        self.started = True
        await self._writer.drain()

    async def send(self, data: str | bytes) -> None:
        if not self.started:
            await self.start()
        self._writer.write(data.encode() if isinstance(data, str) else data)
        await self._writer.drain()
        self.last_byte_at = time.monotonic()

    async def json(self, body: Any, status: int = 200) -> None:
        await self.start(status, "application/json")
        await self.send(json.dumps(body))


Handler = Callable[[Request, Reply], Awaitable[None]]


class LoopbackServer:
    """Serves `handler` on 127.0.0.1 at a free port; `url` once started."""

    def __init__(self, handler: Handler, on_error: Callable[[BaseException], None]) -> None:
        self._handler = handler
        self._on_error = on_error
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> LoopbackServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            request = await read_request(reader)
            if request is not None:
                reply = Reply(writer)
                await self._handler(request, reply)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the CLI went away (an interrupt): nothing to answer
        except Exception as error:  # a defect of the mock: make it loud, and answer 500
            self._on_error(error)
            if not writer.is_closing():
                writer.write(b"HTTP/1.1 500 Error\r\nConnection: close\r\n\r\n")
        finally:
            self._writers.discard(writer)
            writer.close()


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    line = await reader.readline()
    if not line.strip():
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        length = int(headers.get("content-length", "0"))
        if length > MAX_BODY:
            raise ValueError(f"request body of {length} bytes")
        body = await reader.readexactly(length)
    body = _decoded(body, headers.get("content-encoding", ""))
    url = urlsplit(target)
    return Request(method, url.path, parse_qs(url.query), headers, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readline()).split(b";")[0], 16)
        if size == 0:
            await reader.readline()
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readline()


def _decoded(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding in ("", "identity"):
        return body
    raise ValueError(f"request body in an encoding the mock cannot read: {encoding}")
