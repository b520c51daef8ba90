"""A provider mock: a loopback server that answers a CLI's model calls from the Script, streaming
each reply as the provider's own wire format (an Encoder), and logs every request it saw.

A provider reads a request into a Call (a model call), a plain JSON answer (its other endpoints:
token counts, model lists) or None (an endpoint the mock does not know: answered 404 and logged,
so a CLI that needs it shows up in the log).
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any, Protocol

from bench.accuracy.loopback import LoopbackServer, Reply, Request
from bench.accuracy.script import Call, Delay, End, Event, Gate, Script, TextDelta, ToolCall


class Encoder(Protocol):
    """One reply in a provider's streaming format (text/event-stream), or whole as JSON."""

    def begin(self) -> str: ...
    def text(self, delta: str) -> str: ...
    def tool(self, call: ToolCall) -> str: ...
    def end(self, tool_use: bool) -> str: ...
    def whole(self, text: str, calls: list[ToolCall], tool_use: bool) -> Any: ...


class Provider(Protocol):
    name: str

    def read(self, request: Request) -> Call | dict[str, Any] | None: ...
    def encoder(self, request: Request) -> tuple[Encoder, bool]:
        """The reply's encoder, and whether the request asked for a stream."""
        ...


class Mock:
    """`provider` on a free loopback port, replying from `script`; logs each request to
    `log_path` and keeps its body in the folder `bodies` when given (the shapes a CLI sends)."""

    def __init__(
        self, provider: Provider, script: Script, log_path: Path, bodies: Path | None = None
    ) -> None:
        self.provider = provider
        self.script = script
        self.errors: list[str] = []
        self.log_path = log_path
        self.bodies = bodies
        self._count = 0
        self.server = LoopbackServer(self._handle, self._error)

    @property
    def url(self) -> str:
        return self.server.url

    async def start(self) -> Mock:
        await self.server.start()
        return self

    async def stop(self) -> None:
        await self.server.stop()

    def _error(self, error: BaseException) -> None:
        self.errors.append(f"{type(error).__name__}: {error}")
        self._log({"error": self.errors[-1]})

    def _log(self, entry: dict[str, Any]) -> None:
        with self.log_path.open("a") as log:
            log.write(json.dumps({"t": round(time.monotonic(), 3), **entry}) + "\n")

    async def _handle(self, request: Request, reply: Reply) -> None:
        read = self.provider.read(request)
        self._count += 1
        if self.bodies is not None:
            self.bodies.mkdir(parents=True, exist_ok=True)
            name = f"{self._count:03}{request.path.replace('/', '_')}.json"
            (self.bodies / name).write_bytes(request.body)
        self._log({"method": request.method, "path": request.path, "call": repr(read)[:300]})
        if read is None:
            await reply.json({"error": {"type": "not_found", "message": request.path}}, 404)
        elif isinstance(read, dict):
            await reply.json(read)
        else:
            events, record = self.script.events(read)
            encoder, streaming = self.provider.encoder(request)
            if not streaming:
                await self._whole(reply, encoder, events)
                return
            for event in [None, *events]:
                try:
                    await self._send(reply, encoder, event)
                except ConnectionError:
                    if record is not None:
                        record.cut_at = time.monotonic()  # the CLI hung up: an interrupt
                    raise
                if record is not None and isinstance(event, ToolCall):
                    record.tool_call_at = reply.last_byte_at
                if record is not None and isinstance(event, TextDelta | End) and not _tool(events):
                    record.last_byte_at = reply.last_byte_at
                    record.final = isinstance(event, End)

    @staticmethod
    async def _send(reply: Reply, encoder: Encoder, event: Event | None) -> None:
        if event is None:
            await reply.send(encoder.begin())
        elif isinstance(event, Gate):
            await event.opened.wait()
        elif isinstance(event, Delay):
            await asyncio.sleep(event.seconds)
        elif isinstance(event, TextDelta):
            await reply.send(encoder.text(event.text))
        elif isinstance(event, ToolCall):
            await reply.send(encoder.tool(event))
        else:
            await reply.send(encoder.end(event.tool_use))

    @staticmethod
    async def _whole(reply: Reply, encoder: Encoder, events: list[Event]) -> None:
        text = "".join(e.text for e in events if isinstance(e, TextDelta))
        calls = [e for e in events if isinstance(e, ToolCall)]
        await reply.json(encoder.whole(text, calls, _tool(events)))


def _tool(events: list[Event]) -> bool:
    return any(isinstance(e, End) and e.tool_use for e in events)
