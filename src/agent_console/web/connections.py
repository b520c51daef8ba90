"""Connections that make no request: a deadline for each request to arrive, and a cap on open
connections that evicts idle ones first, so the owner is served whatever else connects.

uvicorn's httptools protocol keeps a connection that never sends a request, or never finishes its
headers, for as long as the client likes (its keep-alive timeout only starts after a response).
Anyone who can reach the port — no token needed — could hold enough of them to use up the
process's file descriptors, and then the owner's own requests could not even be accepted.

So each HTTP connection here is in one of two states:
- waiting: no complete request yet (just accepted, part of a request head or body received, or
  idle between keep-alive requests). A request must arrive whole within `request_timeout` of its
  first byte (or of the accept); otherwise the connection is closed.
- busy: a whole request arrived and its response is under way, or it became a WebSocket (whose
  handshake already passed the token check; the protocol's pings look after it from then on).

At most `cap` connections are open. When one more is accepted, the longest-waiting connections
are closed to make room (the new one included, if nothing else is waiting): a flood of idle
connections only ever pushes out its own kind, while the owner's requests — which arrive whole
at once — go through. Busy connections are never evicted.
"""

from __future__ import annotations

import asyncio
import itertools
import resource
from collections.abc import Hashable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

REQUEST_TIMEOUT = 10.0


def default_cap() -> int:
    """Half the open-files limit (the rest is for PTYs, logs, the database and git), at least 64."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 4096
    return max(64, soft // 2)


class ConnectionGate:
    """The pure core: which connections are waiting (oldest first), and which to close so that
    no more than `cap` are open. Connections are any hashable handles; nothing here does I/O."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._waiting: dict[Hashable, None] = {}  # insertion order: longest waiting first
        self._closing: set[Hashable] = set()  # evicted, not yet gone

    def opened(self, conn: Hashable, open_now: int) -> list[Hashable]:
        """A connection was accepted (`open_now` counts it); the ones to close now."""
        self._waiting[conn] = None
        excess = open_now - len(self._closing) - self.cap
        victims = list(itertools.islice(self._waiting, max(0, excess)))
        for victim in victims:
            del self._waiting[victim]
            self._closing.add(victim)
        return victims

    def busy(self, conn: Hashable) -> None:
        """A whole request arrived (or it became a WebSocket): it may not be evicted."""
        self._waiting.pop(conn, None)

    def idle(self, conn: Hashable) -> None:
        """Its response is done; it waits for the next request (the newest waiting one)."""
        if conn not in self._closing:
            self._waiting.pop(conn, None)
            self._waiting[conn] = None

    def closed(self, conn: Hashable) -> None:
        self._waiting.pop(conn, None)
        self._closing.discard(conn)

    @property
    def waiting(self) -> int:
        return len(self._waiting)


def guarded_http(gate: ConnectionGate, request_timeout: float = REQUEST_TIMEOUT) -> type[Any]:
    """uvicorn's httptools protocol, with the deadline and the gate (see the module doc)."""

    class GuardedHttp(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()
            for victim in gate.opened(self, len(self.connections)):
                assert isinstance(victim, GuardedHttp)
                victim.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            gate.closed(self)
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            if self._deadline is None:  # the next request on a kept-alive connection
                self._arm()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._disarm()
            gate.busy(self)

        def handle_websocket_upgrade(self) -> None:
            self._disarm()
            gate.busy(self)
            gate.closed(self)  # the WebSocket protocol owns the connection from here on
            super().handle_websocket_upgrade()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                gate.idle(self)

        def _arm(self) -> None:
            self._deadline = self.loop.call_later(request_timeout, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                self.transport.close()

    return GuardedHttp
